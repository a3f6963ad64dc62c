import { createHash, createHmac, randomInt } from 'node:crypto';

/**
 * A FaceID-style client, written only from the field names FaceID and Face++ publish (docs/compat-faceid.md), as an
 * existing integration would be: form-data posts (multipart with file parts, or urlencoded), `api_key` /
 * `api_secret` or a `sign`, and the notify `sign = sha1(api_secret + data)` check. It knows nothing of Visage: it
 * is pointed at a base URL, exactly as a FaceID integration is pointed at FaceID's host.
 */
export interface FaceIdCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
}

export interface FaceIdAnswer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- FaceID answers are read as loose JSON
  readonly json: Record<string, any>;
}

type FormValue = string | { file: Buffer; filename?: string };

/** The FaceID formula: sign = base64(HMAC-SHA1(api_secret, raw) + raw), raw = a=…&b=…&c=…&d=…. */
export function faceIdSign(
  credentials: FaceIdCredentials,
  options: { validSeconds?: number; currentTime?: number; random?: string } = {},
): string {
  const currentTime = options.currentTime ?? Math.floor(Date.now() / 1000);
  // 0: a one-time signature.
  const expireTime = options.validSeconds === undefined ? 0 : currentTime + options.validSeconds;
  const random = options.random ?? String(randomInt(0, 2 ** 31)).padStart(10, '0');
  const raw = `a=${credentials.apiKey}&b=${expireTime}&c=${currentTime}&d=${random}`;
  const signTmp = createHmac('sha1', credentials.apiSecret).update(raw).digest();
  return Buffer.concat([signTmp, Buffer.from(raw)]).toString('base64');
}

/** What a FaceID notify receiver checks: sign == sha1(api_secret + data), lower-case hex. */
export function faceIdNotifySignValid(apiSecret: string, data: string, sign: string): boolean {
  return (
    createHash('sha1')
      .update(apiSecret + data)
      .digest('hex') === sign
  );
}

export function createFaceIdClient(baseUrl: string, credentials: FaceIdCredentials) {
  async function post(path: string, fields: Record<string, FormValue | undefined>): Promise<FaceIdAnswer> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (typeof value === 'string') form.append(name, value);
      else
        form.append(
          name,
          new Blob([new Uint8Array(value.file)], { type: 'image/jpeg' }),
          value.filename ?? `${name}.jpg`,
        );
    }
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', body: form });
    return { status: response.status, json: (await response.json()) as FaceIdAnswer['json'] };
  }

  async function postUrlencoded(path: string, fields: Record<string, string>): Promise<FaceIdAnswer> {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: response.status, json: (await response.json()) as FaceIdAnswer['json'] };
  }

  const keyPair = { api_key: credentials.apiKey, api_secret: credentials.apiSecret };

  return {
    /** Face++ compare with two uploaded files. */
    compareFiles: (image1: Buffer, image2: Buffer) =>
      post('/facepp/v3/compare', { ...keyPair, image_file1: { file: image1 }, image_file2: { file: image2 } }),
    /** Face++ compare with base64 fields, urlencoded. */
    compareBase64: (image1: Buffer, image2: Buffer) =>
      postUrlencoded('/facepp/v3/compare', {
        ...keyPair,
        image_base64_1: image1.toString('base64'),
        image_base64_2: image2.toString('base64'),
      }),
    /** FaceID H5 lite get_token (comparison_type 0 with image_ref1). */
    liteGetToken: (fields: {
      return_url: string;
      notify_url: string;
      biz_no: string;
      biz_extra_data?: string;
      procedure_type?: string;
      image_ref1?: Buffer;
    }) =>
      post('/faceid/lite/get_token', {
        ...keyPair,
        comparison_type: '0',
        return_url: fields.return_url,
        notify_url: fields.notify_url,
        biz_no: fields.biz_no,
        biz_extra_data: fields.biz_extra_data,
        procedure_type: fields.procedure_type,
        image_ref1: fields.image_ref1 ? { file: fields.image_ref1 } : undefined,
      }),
    /** The URL the user is sent to (FaceID's lite/do). */
    liteDoUrl: (token: string) => `${baseUrl}/faceid/lite/do?token=${encodeURIComponent(token)}`,
    /** FaceID H5 lite get_result (GET with query parameters). */
    async liteGetResult(bizId: string): Promise<FaceIdAnswer> {
      const query = new URLSearchParams({ ...keyPair, biz_id: bizId, return_image: '0' });
      const response = await fetch(`${baseUrl}/faceid/lite/get_result?${query.toString()}`);
      return { status: response.status, json: (await response.json()) as FaceIdAnswer['json'] };
    },
    /** FaceID ID-card OCR (either side), with the image as a file part. */
    ocrIdCard: (image: Buffer | Uint8Array) =>
      post('/faceid/v3/ocridcard', { ...keyPair, image: { file: Buffer.from(image), filename: 'idcard.jpg' } }),
    /** FaceID app SDK v3 get_biz_token, signed with `sign`. */
    getBizToken: (
      sign: string,
      fields: { liveness_type: string; image_ref1: Buffer; uuid?: string; biz_no?: string },
    ) =>
      post('/faceid/v3/sdk/get_biz_token', {
        sign,
        sign_version: 'hmac_sha1',
        liveness_type: fields.liveness_type,
        comparison_type: '0',
        uuid: fields.uuid,
        biz_no: fields.biz_no,
        image_ref1: { file: fields.image_ref1 },
      }),
    /** FaceID app SDK v3 verify with a MegLive packet. */
    verify: (sign: string, bizToken: string, megliveData: Buffer) =>
      post('/faceid/v3/sdk/verify', {
        sign,
        sign_version: 'hmac_sha1',
        biz_token: bizToken,
        meglive_data: { file: megliveData, filename: 'meglive_data' },
      }),
  };
}
