import QRCode from 'qrcode';
import { networkUrls } from '../startup';

const LOOPBACK = /^(localhost|127(?:\.\d+){3}|\[::1\])$/;

/**
 * The address phones should open to join. A facilitator on http://localhost would otherwise put
 * "localhost" in the QR code, which no phone can reach, so the laptop's Wi-Fi address is used instead.
 */
export function joinUrl(requestUrl: URL, joinCode: string, origin = process.env.ORIGIN): string {
	let base = origin || requestUrl.origin;
	if (!origin && LOOPBACK.test(requestUrl.hostname)) {
		base = networkUrls(requestUrl.port || '80')[0] ?? base;
	}
	return `${base}/j/${joinCode}`;
}

/** The QR code for `url` as an SVG string (server-rendered: no QR library on the screen's page). */
export function qrSvg(url: string): Promise<string> {
	return QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
}
