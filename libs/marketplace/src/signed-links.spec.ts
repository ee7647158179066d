import { signLink, verifyLink } from './signed-links';

const secret = 'a-test-secret-of-at-least-thirty-two-chars';

describe('signed links', () => {
  it('grant their subject for their purpose only', () => {
    const token = signLink(secret, 'tender-view', 'tender-1');
    expect(verifyLink(secret, 'tender-view', token)).toBe('tender-1');
    expect(verifyLink(secret, 'unsubscribe', token)).toBeNull();
    expect(verifyLink('another-secret-of-at-least-thirty-two', 'tender-view', token)).toBeNull();
  });

  it('refuse a tampered subject and an expired token', () => {
    const token = signLink(secret, 'tender-view', 'tender-1');
    const [, signature] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify(['tender-view', 'tender-2', 9_999_999_999])).toString('base64url')}.${signature}`;
    expect(verifyLink(secret, 'tender-view', forged)).toBeNull();
    expect(verifyLink(secret, 'tender-view', token, Date.now() + 181 * 86_400_000)).toBeNull();
    expect(verifyLink(secret, 'tender-view', 'garbage')).toBeNull();
  });
});
