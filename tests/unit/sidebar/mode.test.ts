import { describe, expect, it } from 'vitest';
import { decideContextMode, isSidebarEntry } from '../../../wecom-sidebar/src/wecom/mode';

describe('decideContextMode', () => {
  it('is wecom inside the WeCom client, whatever the sandbox flag says', () => {
    expect(decideContextMode({ isWeCom: true, sandbox: false })).toBe('wecom');
    expect(decideContextMode({ isWeCom: true, sandbox: true })).toBe('wecom');
  });

  it('emulates the WeCom context in a normal browser against the sandbox', () => {
    expect(decideContextMode({ isWeCom: false, sandbox: true })).toBe('emulated');
  });

  it('is unsupported in a normal browser against the real services', () => {
    expect(decideContextMode({ isWeCom: false, sandbox: false })).toBe('unsupported');
  });
});

describe('isSidebarEntry', () => {
  it('accepts the chat-sidebar entries only', () => {
    expect(isSidebarEntry('single_chat_tools')).toBe(true);
    expect(isSidebarEntry('group_chat_tools')).toBe(true);
    for (const entry of ['normal', 'contact_profile', 'chat_attachment', 'single_kf_tools', '']) {
      expect(isSidebarEntry(entry)).toBe(false);
    }
  });
});
