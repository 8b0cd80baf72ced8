import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecondFactorSection } from './SecondFactorSection';

describe('SecondFactorSection', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows the key as a QR code to scan, besides the link and the key to type', async () => {
    const qrSvg = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1v1H0z"/></svg>';
    const setup = { secret: 'JBSWY3DPEHPK3PXP', otpauthUri: 'otpauth://totp/teilhabe:anna?secret=JBSWY3DPEHPK3PXP', qrSvg };
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response(JSON.stringify({ data: { beginTotpSetup: setup } }), { status: 200 }))),
    );
    render(<SecondFactorSection active={false} required={false} onDone={() => undefined} />);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: /einrichten/i }));
      await Promise.resolve();
    });
    const qr = await screen.findByRole('img', { name: 'QR-Code zum Scannen mit der Authenticator-App' });
    expect(qr.getAttribute('src')).toBe(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrSvg)}`);
    expect(screen.getByText('JBSW Y3DP EHPK 3PXP')).toBeTruthy();
  });
});
