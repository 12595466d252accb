/**
 * A campaign's QR codes, shown and downloadable: the mini-program code (a PNG behind the staff session, fetched as a
 * Blob and offered through an object URL with a file name that says what it is) and the WeCom contact-me code (WeCom's
 * image URL), the H5 link of the landing page, and a retry for codes that failed when the campaign was created.
 */
import { useEffect, useState } from 'react';
import { contactMeCodeFilename, miniProgramCodeFilename, missingCodes } from '../campaigns/qr';
import type { Campaign } from '../campaigns/types';
import { explainCouponError } from '../coupons/errors';
import { api, fetchBlob } from '../shell/runtime';

type Image = { status: 'loading' } | { status: 'ready'; url: string } | { status: 'failed'; message: string };

/** The mini-program code as an object URL (revoked when the campaign or the page changes). */
function useMiniProgramCode(campaignId: string, present: boolean): Image | null {
  const [image, setImage] = useState<Image | null>(null);
  useEffect(() => {
    if (!present) {
      setImage(null);
      return;
    }
    let active = true;
    let url: string | null = null;
    setImage({ status: 'loading' });
    fetchBlob(api.miniProgramCodePath(campaignId)).then(
      (blob) => {
        if (!active) return;
        url = URL.createObjectURL(blob);
        setImage({ status: 'ready', url });
      },
      (reason: unknown) => {
        if (active) setImage({ status: 'failed', message: explainCouponError(reason, 'manage') });
      },
    );
    return () => {
      active = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [campaignId, present]);
  return image;
}

/** Downloads an image from another origin when it allows it, else opens it (the user saves it from there). */
async function downloadImage(url: string, filename: string) {
  try {
    const response = await fetch(url, { mode: 'cors' });
    if (!response.ok) throw new Error(String(response.status));
    const objectUrl = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = objectUrl;
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
  } catch {
    window.open(url, '_blank', 'noopener');
  }
}

export function CampaignCodes({ campaign, onChanged }: { campaign: Campaign; onChanged(next: Campaign): void }) {
  const { miniProgram, contactMe } = campaign.codes;
  const image = useMiniProgramCode(campaign.id, miniProgram !== null);
  const missing = missingCodes(campaign);
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  const retry = async () => {
    setRetrying(true);
    setRetryError(null);
    try {
      onChanged(await api.retryCampaignCodes(campaign.id));
    } catch (reason) {
      setRetryError(explainCouponError(reason, 'manage'));
    } finally {
      setRetrying(false);
    }
  };

  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(campaign.h5Url);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };

  return (
    <div className="codes">
      <div className="codes__grid">
        <figure className="code-card" data-testid="campaign-mp-code">
          <figcaption className="code-card__title">
            小程序码 <span className="muted small">Mini-program code</span>
          </figcaption>
          {miniProgram === null ? (
            <p className="code-card__empty muted small">未生成 Not generated</p>
          ) : image?.status === 'ready' ? (
            <>
              <img
                className="code-card__image"
                src={image.url}
                alt={`${campaign.name} 小程序码`}
                data-testid="campaign-mp-image"
              />
              <a
                className="button button--small"
                href={image.url}
                download={miniProgramCodeFilename(campaign)}
                data-testid="campaign-mp-download"
              >
                下载 PNG Download
              </a>
            </>
          ) : image?.status === 'failed' ? (
            <p className="field-error" role="alert">
              无法读取小程序码：{image.message}
            </p>
          ) : (
            <p className="code-card__empty muted small">加载中… Loading</p>
          )}
          {miniProgram ? (
            <p className="muted small code-card__meta">
              scene <span className="mono">{miniProgram.scene}</span> · {miniProgram.page}
            </p>
          ) : null}
        </figure>
        <figure className="code-card" data-testid="campaign-contact-code">
          <figcaption className="code-card__title">
            联系我二维码 <span className="muted small">Contact me (WeCom)</span>
          </figcaption>
          {contactMe === null ? (
            <p className="code-card__empty muted small">
              {campaign.staff ? '未生成 Not generated' : '需要选择员工 Needs a staff member'}
            </p>
          ) : (
            <>
              <img
                className="code-card__image"
                src={contactMe.qrCodeUrl}
                alt={`${campaign.name} 联系我二维码`}
                data-testid="campaign-contact-image"
              />
              <button
                type="button"
                className="button button--small"
                data-testid="campaign-contact-download"
                onClick={() => void downloadImage(contactMe.qrCodeUrl, contactMeCodeFilename(campaign))}
              >
                下载 Download
              </button>
              <p className="muted small code-card__meta">
                {campaign.staff?.name ?? ''} · config_id <span className="mono">{contactMe.configId}</span>
              </p>
            </>
          )}
        </figure>
      </div>
      <div className="codes__link">
        <span className="field__label">H5 落地页 Landing page (browser)</span>
        <div className="row">
          <a
            className="mono codes__url"
            href={campaign.h5Url}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="campaign-h5-link"
          >
            {campaign.h5Url}
          </a>
          <button type="button" className="button button--small" onClick={() => void copyLink()}>
            {copied ? '已复制 Copied' : '复制 Copy'}
          </button>
        </div>
      </div>
      {missing.miniProgram || missing.contactMe ? (
        <div className="row codes__retry">
          <span className="muted small">
            {[missing.miniProgram ? '小程序码' : null, missing.contactMe ? '联系我二维码' : null]
              .filter(Boolean)
              .join('、')}
            尚未生成（可能是微信 / 企业微信接口当时失败）。
          </span>
          <button
            type="button"
            className="button button--small"
            data-testid="campaign-codes-retry"
            disabled={retrying}
            onClick={() => void retry()}
          >
            {retrying ? '生成中…' : '重新生成 Retry'}
          </button>
        </div>
      ) : null}
      {retryError ? (
        <p className="field-error" role="alert">
          {retryError}
        </p>
      ) : null}
    </div>
  );
}
