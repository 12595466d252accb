/** The rich-text sanitiser against hostile HTML (OWASP XSS filter-evasion style), and what formatting survives. */
import { describe, expect, it } from 'vitest';
import { plainText, readingMinutes, sanitizeRichText } from '../../bff/src/content/sanitize';

/** Inputs that must come out with no script, handler, frame, style or script URL left in them. */
const HOSTILE: string[] = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<img src="https://a.example/x.png" onerror="alert(1)">',
  '<IMG SRC="javascript:alert(\'XSS\');">',
  '<IMG SRC=javascript:alert(&quot;XSS&quot;)>',
  '<IMG SRC=`javascript:alert("RSnake says, \'XSS\'")`>',
  '<img src="jav&#x09;ascript:alert(1)">',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<img src="//evil.example/x.png">',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<math><mi xlink:href="javascript:alert(1)">click</mi></math>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="jav\tascript:alert(1)">x</a>',
  '<a href=" &#14;  javascript:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="https://ok.example/" onmouseover="alert(1)">x</a>',
  '<iframe src="https://evil.example/"></iframe>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="https://evil.example/x.swf">',
  '<style>@import "https://evil.example/x.css";</style>',
  '<p style="background:url(javascript:alert(1))">x</p>',
  '<div style="width: expression(alert(1));">x</div>',
  '<link rel="stylesheet" href="javascript:alert(1)">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<body onload=alert(1)>',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<input onfocus=alert(1) autofocus>',
  '<details open ontoggle=alert(1)>',
  '<video><source onerror="alert(1)"></video>',
  '<p title="x" onclick="alert(1)">x</p>',
  '<p title=""><img src=x onerror=alert(1)>">',
  '<img """><script>alert("XSS")</script>">',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<<script>alert(1);//<</script>',
  '<p>unclosed <script>alert(1)',
  '<!--[if gte IE 4]><script>alert(1)</script><![endif]-->',
  '<template><img src=x onerror=alert(1)></template>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  '<table background="javascript:alert(1)"><td onmouseover=alert(1)>x</td></table>',
  '<img src="https://a.example/x.png" width="100%;position:fixed">',
];

/** Whether sanitised HTML still holds anything executable or able to load or restyle. */
function dangerous(html: string): string[] {
  const found: string[] = [];
  if (/<\s*(script|style|iframe|object|embed|svg|math|link|meta|base|form|input|template|body)\b/i.test(html))
    found.push('forbidden tag');
  if (/\son[a-z]+\s*=/i.test(html)) found.push('event handler');
  if (/(javascript|vbscript|data)\s*:/i.test(html.replace(/&[a-z]+;/gi, ''))) found.push('script or data URL');
  if (/\sstyle\s*=/i.test(html)) found.push('style attribute');
  if (/\s(src|href)\s*=\s*"(?!https?:\/\/|mailto:|tel:)/i.test(html)) found.push('relative or odd URL');
  return found;
}

describe('the rich-text sanitiser', () => {
  it.each(HOSTILE)('leaves nothing executable in %s', (input) => {
    const output = sanitizeRichText(input);
    expect(dangerous(output)).toEqual([]);
    // Sanitising is stable: a second pass finds nothing more to remove.
    expect(sanitizeRichText(output)).toBe(output);
  });

  it('keeps headings, paragraphs, lists, emphasis, quotes, tables, http(s) images and links', () => {
    const input =
      '<h2>标题</h2><p>段落 <strong>粗体</strong> <em>斜体</em> <b>b</b> <i>i</i> <u>u</u></p>' +
      '<ul><li>一</li><li>二</li></ul><ol start="3"><li>三</li></ol><blockquote>引用</blockquote>' +
      '<p><img src="https://cdn.example.com/a.png" alt="示意图" width="320" height="200"></p>' +
      '<p><a href="https://example.com/more" title="更多">更多</a> <a href="tel:+8612345">电话</a></p>' +
      '<table><tbody><tr><th>项目</th><td colspan="2">值</td></tr></tbody></table>';
    expect(sanitizeRichText(input)).toBe(
      '<h2>标题</h2><p>段落 <strong>粗体</strong> <em>斜体</em> <b>b</b> <i>i</i> <u>u</u></p>' +
        '<ul><li>一</li><li>二</li></ul><ol start="3"><li>三</li></ol><blockquote>引用</blockquote>' +
        '<p><img src="https://cdn.example.com/a.png" alt="示意图" width="320" height="200" /></p>' +
        '<p><a href="https://example.com/more" title="更多" rel="noopener noreferrer nofollow" target="_blank">更多</a> ' +
        '<a href="tel:+8612345" rel="noopener noreferrer nofollow" target="_blank">电话</a></p>' +
        '<table><tbody><tr><th>项目</th><td colspan="2">值</td></tr></tbody></table>',
    );
  });

  it('keeps the text of removed formatting but not the code of removed scripts and styles', () => {
    expect(sanitizeRichText('<div><span class="x">保留的文字</span></div><script>var secret = 1</script>')).toBe(
      '保留的文字',
    );
    expect(sanitizeRichText('<style>p { color: red }</style><p>正文</p>')).toBe('<p>正文</p>');
  });

  it('closes unclosed tags and escapes stray markup characters', () => {
    expect(sanitizeRichText('<p>未闭合 <b>粗体 <i>斜体')).toBe('<p>未闭合 <b>粗体 <i>斜体</i></b></p>');
    expect(sanitizeRichText('<p>1 < 2 & 3 > 2</p>')).toBe('<p>1 &lt; 2 &amp; 3 &gt; 2</p>');
  });

  it('drops an image whose URL is not http(s), and a link’s href but not its text', () => {
    expect(sanitizeRichText('<p><img src="data:image/png;base64,AAAA">图</p>')).toBe('<p>图</p>');
    expect(sanitizeRichText('<a href="javascript:alert(1)">链接文字</a>')).toBe('<a>链接文字</a>');
  });

  it('tells the visible text and an estimated reading time', () => {
    expect(plainText('<h2>标题</h2><p>正文&nbsp;内容</p><script>x()</script>')).toBe('标题正文 内容');
    expect(readingMinutes(`<p>${'字'.repeat(2000)}</p>`)).toBe(5);
    expect(readingMinutes('<p>短</p>')).toBe(1);
  });
});
