// The headers of a delivery as MLflow sends them (mlflow/webhooks/constants.py, delivery.py): a
// delivery id, a Unix timestamp, and for webhooks with a secret the Standard-Webhooks-style
// signature `v1,<base64 HMAC-SHA256 of "<delivery id>.<timestamp>.<body>">`.
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'X-MLflow-Signature';
export const DELIVERY_ID_HEADER = 'X-MLflow-Delivery-Id';
export const TIMESTAMP_HEADER = 'X-MLflow-Timestamp';

export function signature(
  secret: string,
  deliveryId: string,
  timestamp: string,
  body: string,
): string {
  const mac = crypto
    .createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${deliveryId}.${timestamp}.${body}`, 'utf8')
    .digest('base64');
  return `v1,${mac}`;
}

/** The headers of one attempt; the timestamp is the attempt's, so a retry is signed afresh. */
export function deliveryHeaders(
  secret: string | null,
  deliveryId: string,
  body: string,
  nowMs: number,
): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    [DELIVERY_ID_HEADER]: deliveryId,
    [TIMESTAMP_HEADER]: timestamp,
  };
  // MLflow signs only when the secret is non-empty (an update can set it to "").
  if (secret) headers[SIGNATURE_HEADER] = signature(secret, deliveryId, timestamp, body);
  return headers;
}
