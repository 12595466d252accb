/**
 * The venue's check-in code: a mini-program code (scene = the meeting key) that opens the check-in page. The PNG is
 * behind the staff session: fetched with the token as a Blob, shown, and offered as a download with a file name that
 * says what it is. Print it for the venue's entrance.
 */
import { useEffect, useState } from 'react';
import { venueCodeFilename } from '../meetings/attendees';
import { explainMeetingError } from '../meetings/errors';
import type { StaffMeeting } from '../meetings/types';
import { fetchBlob } from '../shell/runtime';

type Image = { status: 'loading' } | { status: 'ready'; url: string } | { status: 'failed'; message: string };

export function MeetingVenueCode({ meeting }: { meeting: StaffMeeting }) {
  const [image, setImage] = useState<Image>({ status: 'loading' });
  const path = meeting.venueCode.imageUrl;

  useEffect(() => {
    let active = true;
    let url: string | null = null;
    setImage({ status: 'loading' });
    fetchBlob(path).then(
      (blob) => {
        if (!active) return;
        url = URL.createObjectURL(blob);
        setImage({ status: 'ready', url });
      },
      (reason: unknown) => {
        if (active) setImage({ status: 'failed', message: explainMeetingError(reason) });
      },
    );
    return () => {
      active = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [path]);

  return (
    <figure className="code-card venue-code" data-testid="meeting-venue-code">
      <figcaption className="code-card__title">
        现场签到码 <span className="muted small">Venue check-in code</span>
      </figcaption>
      {image.status === 'ready' ? (
        <>
          <img
            className="code-card__image"
            src={image.url}
            alt={`${meeting.title} 签到小程序码`}
            data-testid="meeting-venue-image"
          />
          <a
            className="button button--small"
            href={image.url}
            download={venueCodeFilename(meeting)}
            data-testid="meeting-venue-download"
          >
            下载 PNG Download
          </a>
        </>
      ) : image.status === 'failed' ? (
        <p className="field-error" role="alert">
          无法读取签到码：{image.message}
        </p>
      ) : (
        <p className="code-card__empty muted small">加载中… Loading</p>
      )}
      <p className="muted small code-card__meta">
        scene{' '}
        <span className="mono" data-testid="meeting-key">
          {meeting.venueCode.scene}
        </span>{' '}
        · {meeting.venueCode.page}
      </p>
      <p className="muted small code-card__meta">参会者用微信扫码，在签到时间内完成签到。</p>
    </figure>
  );
}
