import { describe, expect, it } from 'vitest';
import {
  checkImageUrl,
  checkLinkUrl,
  cleanEditorHtml,
  hasBody,
  imageHtml,
  linkHtml,
  plainTextOf,
  TOOLBAR,
} from '../../../wecom-sidebar/src/content/richText';

describe('the article editor’s HTML', () => {
  it('turns the contenteditable’s lines and inline tags into paragraphs, <strong> and <em>', () => {
    expect(cleanEditorHtml('<div>第一行 <b>重点</b></div><div><i>提示</i></div>')).toBe(
      '<p>第一行 <strong>重点</strong></p><p><em>提示</em></p>',
    );
  });

  it('drops style, class and data attributes and <span>/<font> wrappers', () => {
    expect(
      cleanEditorHtml(
        '<p style="color:red" class="x" data-id="1"><span style="font-size:20px">大字</span><font>旧</font></p>',
      ),
    ).toBe('<p>大字旧</p>');
  });

  it('drops empty paragraphs at the start and the end, and non-breaking spaces', () => {
    expect(cleanEditorHtml('<p><br></p><h2>标题</h2><p>正文&nbsp;内容</p><p><br></p><br>')).toBe(
      '<h2>标题</h2><p>正文 内容</p>',
    );
  });

  it('gives nothing for an editor holding only line breaks', () => {
    expect(cleanEditorHtml('<div><br></div><br>')).toBe('');
  });

  it('keeps links, lists and images as they are', () => {
    const html =
      '<ul><li><a href="https://example.com">链接</a></li></ul><p><img src="https://a.example.com/x.png" alt="图"></p>';
    expect(cleanEditorHtml(html)).toBe(html);
  });

  it('counts the text a reader sees and knows when there is none', () => {
    expect(plainTextOf('<h2>标题</h2><p>A &amp; B&nbsp;C</p>')).toBe('标题 A & B C');
    expect(hasBody('<p> </p><p><br></p>')).toBe(false);
    expect(hasBody('<p><img src="https://a.example.com/x.png"></p>')).toBe(true);
  });
});

describe('links and images inserted in the editor', () => {
  it('accepts http(s) links, adding https:// to a bare domain', () => {
    expect(checkLinkUrl('example.com/page')).toEqual({ ok: true, url: 'https://example.com/page' });
    expect(checkLinkUrl('http://example.com')).toEqual({ ok: true, url: 'http://example.com/' });
  });

  it('refuses javascript:, data: and incomplete addresses', () => {
    expect(checkLinkUrl('javascript:alert(1)').ok).toBe(false);
    expect(checkLinkUrl('data:text/html,<script>').ok).toBe(false);
    expect(checkLinkUrl('intranet').ok).toBe(false);
    expect(checkLinkUrl('  ').ok).toBe(false);
  });

  it('needs images by a full http(s) URL', () => {
    expect(checkImageUrl('img.example.com/a.png').ok).toBe(false);
    expect(checkImageUrl('https://img.example.com/a.png')).toEqual({ ok: true, url: 'https://img.example.com/a.png' });
  });

  it('escapes what it writes into the inserted HTML', () => {
    expect(imageHtml('https://img.example.com/a.png?x="1"', '<b>图</b>')).toBe(
      '<p><img src="https://img.example.com/a.png?x=&quot;1&quot;" alt="&lt;b&gt;图&lt;/b&gt;"></p>',
    );
    expect(linkHtml('https://example.com/', '')).toBe('<a href="https://example.com/">https://example.com/</a>');
  });

  it('offers headings, paragraphs, bold, italic, both lists, links and images in the toolbar', () => {
    expect(TOOLBAR.map((tool) => tool.id)).toEqual(
      expect.arrayContaining(['h2', 'h3', 'p', 'bold', 'italic', 'ul', 'ol', 'link', 'image']),
    );
  });
});
