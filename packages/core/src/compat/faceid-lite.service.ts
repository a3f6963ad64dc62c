import { DomainError } from '../domain-error.js';
import type { Clock } from '../ports.js';
import type { CaptureSessions } from '../capture/capture-sessions.service.js';
import type { CaptureLivenessMode } from '../capture/capture-sessions.ports.js';
import type { SigningSecrets } from '../signing/signature-verifier.js';
import type { Caller } from '../verification/verification.service.js';
import type { WebhookEvent, WebhookUrlCheck } from '../webhooks/webhooks.ports.js';
import { faceIdNotifySign } from './faceid-sign.js';
import { faceIdComparison, faceIdLiteStatus, faceIdOutcome, type ConfidenceAt } from './faceid-results.js';
import type { FaceIdBusiness, FaceIdBusinessRepository, FaceIdFlow, FaceIdHashes } from './faceid.ports.js';

/** FaceID keeps a lite result one day and hands it out three times (docs/compat-faceid.md). */
export const faceIdResultSeconds = 86_400;
export const faceIdMaxResultReads = 3;
/** How long a get_token / get_biz_token token stays usable (our capture sessions allow at most 1 h). */
export const faceIdTokenSeconds = 3600;

export interface FaceIdTokenInput {
  readonly flow: FaceIdFlow;
  readonly returnUrl: string;
  readonly notifyUrl?: string | undefined;
  readonly bizNo?: string | undefined;
  readonly bizExtraData?: string | undefined;
  readonly uuid?: string | undefined;
  readonly liveness: CaptureLivenessMode;
  /** image_ref1: the comparison reference (comparison_type 0); absent: liveness only. */
  readonly reference?: Uint8Array | undefined;
  readonly locale?: 'zh-CN' | 'en' | undefined;
}

/** The parts of a capture session's view (GET /v1/capture-sessions/{id}) a FaceID answer is built from. */
interface SessionView {
  readonly id: string;
  readonly status: string;
  readonly reason?: string | null;
  readonly liveness?: string;
  readonly finished_at?: string | null;
  readonly result?: Record<string, unknown> | null;
}

/**
 * The FaceID H5 "lite" flow (and get_biz_token) mapped onto our hosted capture sessions: a token opens one of our
 * sessions; the page, the liveness decision, consent and the single charge are the capture service's. This service
 * only keeps what FaceID clients get back (biz_no, biz_extra_data, the 3-read counter) and speaks their format.
 */
export function createFaceIdLite(ports: {
  captureSessions: Pick<CaptureSessions, 'create' | 'get' | 'cancelCreated'>;
  businesses: FaceIdBusinessRepository;
  secrets: SigningSecrets;
  hashes: FaceIdHashes;
  clock: Clock;
  confidenceAt: ConfidenceAt;
  checkNotifyUrl: WebhookUrlCheck;
  /** `${VISAGE_PUBLIC_URL}` without a trailing slash. */
  publicUrl: string;
}) {
  const { captureSessions, businesses, clock, confidenceAt } = ports;

  /** The JSON FaceID clients get as notify `data` and from get_result. */
  function liteData(business: FaceIdBusiness, view: SessionView): Record<string, unknown> {
    const status = faceIdLiteStatus(view.status);
    const outcome = faceIdOutcome(view.status, view.reason);
    const result = view.result ?? null;
    const liveness = result?.['liveness_details'] as Record<string, unknown> | undefined;
    const comparison = faceIdComparison(result, confidenceAt);
    return {
      biz_info: {
        biz_id: business.sessionId,
        biz_no: business.bizNo ?? '',
        biz_extra_data: business.bizExtraData ?? '',
      },
      status,
      ...(outcome ?? {}),
      ...(view.finished_at ? { verify_time: Math.floor(Date.parse(view.finished_at) / 1000) } : {}),
      ...(liveness
        ? {
            liveness_result: {
              result: liveness['live'] === true ? 'PASS' : 'FAIL',
              procedure_type: view.liveness === 'action' ? 'actionliveness' : 'still',
              ...(typeof liveness['reason'] === 'string' ? { failure_reason: liveness['reason'] } : {}),
            },
          }
        : {}),
      ...(comparison
        ? {
            verify_result: { result_ref1: comparison },
            verification: { ref1: comparison },
          }
        : {}),
    };
  }

  async function businessOf(caller: Caller, ref: { bizId?: string | undefined; bizNo?: string | undefined }) {
    const found = ref.bizId
      ? await businesses.find(ref.bizId)
      : ref.bizNo
        ? await businesses.findByBizNo(caller.orgId, caller.sandbox, ref.bizNo)
        : undefined;
    if (!found || found.orgId !== caller.orgId || found.sandbox !== caller.sandbox) {
      throw new DomainError('capture.not_found');
    }
    return found;
  }

  return {
    async getToken(caller: Caller, input: FaceIdTokenInput) {
      if (input.notifyUrl !== undefined) {
        try {
          await ports.checkNotifyUrl(input.notifyUrl);
        } catch (error) {
          if (error instanceof DomainError && error.code === 'webhook.url_refused') {
            throw new DomainError('capture.notify_url_refused', error.details, error.logDetails);
          }
          throw error;
        }
      }
      // FaceID promises the result for a day: the session keeps it that long whatever the app's own retention.
      const sessionCaller: Caller = {
        ...caller,
        resultRetentionSeconds: Math.max(caller.resultRetentionSeconds, faceIdResultSeconds),
      };
      const created = await captureSessions.create(sessionCaller, {
        liveness: input.liveness,
        referenceImage: input.reference,
        subjectRef: input.uuid ?? input.bizNo,
        bizNo: input.bizNo,
        returnUrl: input.returnUrl,
        locale: input.locale,
        expiresInSeconds: faceIdTokenSeconds,
        maxAttempts: 3,
      });
      const now = clock.now();
      // The session exists now; without its business record nobody could read its result in FaceID's terms, so a
      // failed write cancels it (its link then opens nothing) before the error is answered.
      try {
        await businesses.insert({
          sessionId: created.id,
          orgId: caller.orgId,
          appId: caller.appId,
          keyId: caller.keyId,
          sandbox: caller.sandbox,
          flow: input.flow,
          bizNo: input.bizNo ?? null,
          bizExtraData: input.bizExtraData ?? null,
          notifyUrl: input.notifyUrl ?? null,
          comparisonType: 0,
          reads: 0,
          createdAt: now.toISOString(),
          readableUntil: new Date(Date.parse(created.expires_at) + faceIdResultSeconds * 1000).toISOString(),
        });
      } catch (error) {
        await captureSessions.cancelCreated(caller, created.id).catch(() => undefined);
        throw error;
      }
      const token = created.url.slice(created.url.lastIndexOf('/') + 1);
      return {
        token,
        biz_id: created.id,
        expired_time: Math.floor(Date.parse(created.expires_at) / 1000),
        url: `${ports.publicUrl}/faceid/lite/do?token=${encodeURIComponent(token)}`,
      };
    },

    /** The session's FaceID result; a finished one counts as one of its 3 reads, within a day. */
    async getResult(caller: Caller, ref: { bizId?: string | undefined; bizNo?: string | undefined }) {
      const business = await businessOf(caller, ref);
      const view = (await captureSessions.get(caller, business.sessionId)) as SessionView;
      const data = liteData(business, view);
      if (data['status'] !== 'NOT_STARTED' && data['status'] !== 'PROCESSING') {
        if (!(await businesses.claimRead(business.sessionId, clock.now().toISOString(), faceIdMaxResultReads))) {
          throw new DomainError('result.expired', {
            max_reads: faceIdMaxResultReads,
            kept_seconds: faceIdResultSeconds,
          });
        }
      }
      return { biz_no: business.bizNo ?? '', ...data };
    },

    /**
     * The webhook outbox's body encoding for a FaceID session's `capture_session.finished` event: a form POST of
     * `data` (the lite JSON) and `sign = sha1(api_secret + data)` to the notify_url. Undefined for every other event
     * (it is delivered the standard way).
     */
    async encodeEvent(
      event: Pick<WebhookEvent, 'id' | 'type' | 'payload'>,
    ): Promise<{ url: string; headers: Record<string, string>; body: string } | undefined> {
      if (event.type !== 'capture_session.finished' || typeof event.payload['id'] !== 'string') return undefined;
      const business = await businesses.find(event.payload['id']);
      if (!business || !business.notifyUrl) return undefined;
      const secret = await ports.secrets.secretOf(business.keyId);
      if (secret === undefined) throw new Error(`the key behind FaceID business ${business.sessionId} is gone`);
      const data = JSON.stringify(liteData(business, event.payload as unknown as SessionView));
      const body = new URLSearchParams({ data, sign: faceIdNotifySign(ports.hashes, secret, data) }).toString();
      return {
        url: business.notifyUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'webhook-id': event.id },
        body,
      };
    },
  };
}

export type FaceIdLite = ReturnType<typeof createFaceIdLite>;
