/**
 * The code registry: every code the platform answers with, its message, HTTP status, whether the call is billed,
 * and what the caller can do. Core throws error codes from here; only the server maps them to HTTP.
 * docs/errors.md is generated from this file (`npm run docs`), and a test fails when it drifts.
 */
interface CodeEntry {
  readonly message: string;
  readonly status: number;
  readonly billed: boolean;
  /** What the caller (or, for 5xx, the operator) can do about it. */
  readonly hint: string;
  /** The docs/errors.md section this code is listed under. */
  readonly group: CodeGroup;
  /** More on when it happens and what `details` carries, for docs/errors.md (the message stays short). */
  readonly details?: string;
}

export const codeGroups = Object.freeze({
  result: 'Results of a completed call (billed)',
  request: 'Requests',
  signature: 'Request signing and keys',
  account: 'Organisations, accounts and the agreement',
  consent: 'Consent',
  billing: 'Billing and idempotency',
  limits: 'Limits',
  image: 'Images and faces',
  verification: 'Stored verifications',
  certification: 'Enterprise certification and sanctions screening',
  registry: 'Identity registry (有源 comparison)',
  capture: 'Hosted capture sessions and the capture page',
  liveness: 'Liveness decisions (capture sessions’ failure reasons)',
  webhook: 'Webhooks',
  service: 'Service and engine',
} as const);
export type CodeGroup = keyof typeof codeGroups;

const unbilled = (
  group: CodeGroup,
  status: number,
  message: string,
  hint: string,
  details?: string,
): CodeEntry & { readonly billed: false } => ({
  group,
  status,
  billed: false,
  message,
  hint,
  ...(details ? { details } : {}),
});

/** Outcomes of a call that ran: the answer was computed, so it is billed (live keys only; sandbox is free). */
export const resultRegistry = Object.freeze({
  'result.match': {
    group: 'result',
    status: 200,
    billed: true,
    message: 'The two faces belong to the same person at the app’s decision threshold.',
    hint: 'Accept the comparison.',
  },
  'result.no_match': {
    group: 'result',
    status: 200,
    billed: true,
    message: 'The two faces do not match at the app’s decision threshold.',
    hint: 'Treat as a different person, or ask for a better photo and try again.',
  },
  'result.live': {
    group: 'result',
    status: 200,
    billed: true,
    message: 'The face passed the passive liveness check.',
    hint: 'Accept the capture.',
  },
  'result.spoof': {
    group: 'result',
    status: 200,
    billed: true,
    message: 'The face failed the liveness check: it looks like a photo or a screen.',
    hint: 'Ask the person to take a live selfie; do not accept the capture.',
  },
  'result.pass': {
    group: 'result',
    status: 200,
    billed: true,
    message: 'The selfie is live and matches the reference.',
    hint: 'Accept the verification.',
  },
  'result.id_card_valid': {
    group: 'result',
    status: 200,
    billed: true,
    message: 'The ID card was read; every field was found and every check passed.',
    hint: 'Use the fields; they are a reading of the image, not a check against an authoritative record.',
  },
  'result.id_card_invalid': {
    group: 'result',
    status: 200,
    billed: true,
    message: 'The ID card was read, but a field is missing or a check failed (check digit, dates, region, expiry).',
    hint: '`checks` says which; ask for a sharper photo of the card, or reject the card.',
  },
} as const satisfies Record<string, CodeEntry>);

export const errorRegistry = Object.freeze({
  'request.invalid': unbilled(
    'request',
    400,
    'The request body, query or parameters do not match the schema.',
    '`details.issues` lists each field and what is wrong with it.',
  ),
  'request.body_too_large': unbilled(
    'request',
    413,
    'The request body exceeds the size limit.',
    'Send smaller images (the limit is in `details.limit_bytes`).',
  ),
  'request.unsupported_media_type': unbilled(
    'request',
    415,
    'The content type is not accepted here.',
    'Send `application/json` (base64 images) or `multipart/form-data`.',
  ),
  'request.not_found': unbilled('request', 404, 'There is no such route.', 'Check the method and path.'),
  'compat.unsupported': unbilled(
    'request',
    400,
    'The FaceID-compatible API does not support this field or value.',
    'See docs/compat-faceid.md for the supported fields; use the native /v1 API for the rest.',
    '`details.field` names the field; `details.reason` says why (for example, the MegLive SDK’s binary `meglive_data` packet is proprietary and not read by this server). Nothing was charged.',
  ),

  'signature.missing': unbilled(
    'signature',
    401,
    'The request is not signed: X-Visage-Key, X-Visage-Timestamp, X-Visage-Nonce and X-Visage-Signature are required.',
    'Sign the request as docs/api/signing.md describes.',
  ),
  'signature.invalid': unbilled(
    'signature',
    401,
    'The request signature does not match.',
    'Check the key id and secret, and that the exact body bytes and path were signed. An unknown key, a malformed timestamp or nonce is not told apart.',
  ),
  'signature.expired': unbilled(
    'signature',
    401,
    'The request timestamp is more than 300 seconds from the server clock.',
    'Sync the client clock (NTP) and sign each request just before sending it.',
  ),
  'signature.replayed': unbilled(
    'signature',
    401,
    'This nonce was already used with this key.',
    'Use a fresh random nonce for every request, retries included.',
    'A nonce is remembered for twice the timestamp window (10 minutes), so it cannot come back while its timestamp could still be accepted.',
  ),
  'key.revoked': unbilled(
    'signature',
    401,
    'The API key was revoked or its rotation grace period has ended.',
    'Use the key that replaced it, or create a new one in the console.',
  ),
  'key.ip_not_allowed': unbilled(
    'signature',
    403,
    'The request comes from an address outside the key’s IP allowlist.',
    'Call from an allowed address or extend the key’s allowlist.',
  ),

  'auth.required': unbilled(
    'account',
    401,
    'Sign in first: the session is missing or has expired.',
    'Log in again through the console.',
  ),
  'auth.invalid_credentials': unbilled(
    'account',
    401,
    'The username or password is wrong.',
    'Check both; the message does not say which was wrong.',
  ),
  'auth.too_many_attempts': unbilled(
    'account',
    429,
    'Too many failed sign-ins for this account or from this address.',
    'Wait `Retry-After` seconds, or reset the password; the limit protects the account from password guessing.',
  ),
  'auth.csrf': unbilled(
    'account',
    403,
    'The CSRF token is missing or does not match the session.',
    'Send the session’s token in the X-CSRF-Token header.',
  ),
  'auth.forbidden': unbilled('account', 403, 'This account may not do that.', 'Ask an owner or the operator.'),
  'account.username_taken': unbilled(
    'account',
    409,
    'That username is already registered.',
    'Choose another username; usernames cannot be changed later.',
  ),
  'account.weak_password': unbilled(
    'account',
    400,
    'The password is too weak.',
    'Use at least 10 characters that are not a common password or the username.',
  ),
  'account.token_invalid': unbilled(
    'account',
    400,
    'The link is not valid: it is mistyped, was already used, or was replaced.',
    'Ask for a new email-verification or password-reset mail and use the newest link.',
  ),
  'account.token_expired': unbilled(
    'account',
    400,
    'The link has expired.',
    'Ask for a new mail: verification links last 24 hours, password-reset links 1 hour.',
  ),
  'account.email_already_verified': unbilled(
    'account',
    409,
    'The email address is already verified.',
    'Nothing to do; no mail was sent.',
  ),
  'account.mail_rate_limited': unbilled(
    'account',
    429,
    'Too many mails of this kind were asked for.',
    'Wait `Retry-After` seconds; then check the spam folder, or ask the operator, who can read the outbox.',
  ),
  'account.registration_rate_limited': unbilled(
    'account',
    429,
    'Too many registrations from this address.',
    'Wait `Retry-After` seconds before registering again (the limit is VISAGE_REGISTRATIONS_PER_IP_PER_HOUR).',
  ),
  'org.not_found': unbilled('account', 404, 'No such organisation.', 'Check the organisation id.'),
  'org.invalid_transition': unbilled(
    'account',
    409,
    'The organisation cannot move to that state from its current one.',
    '`details` has the current state and the requested one.',
  ),
  'org.not_certified': unbilled(
    'account',
    403,
    'Live keys work only for certified organisations.',
    'Complete enterprise certification, or use a sandbox key meanwhile.',
  ),
  'org.suspended': unbilled('account', 403, 'The organisation is suspended or terminated.', 'Contact the operator.'),
  'agreement.not_accepted': unbilled(
    'account',
    403,
    'The organisation has not accepted the current service agreement.',
    'Accept the current agreement version in the console; sandbox keys keep working.',
    'Upcoming versions can be accepted in advance; from a version’s effective date, live keys of organisations that have not accepted it are refused.',
  ),
  'agreement.none_published': unbilled(
    'account',
    409,
    'No agreement has been published yet.',
    'The operator publishes one with `visage admin agreement publish`.',
  ),
  'agreement.not_found': unbilled('account', 404, 'No agreement version with that number.', 'List the versions.'),
  'agreement.version_mismatch': unbilled(
    'account',
    409,
    'The agreement version accepted is neither the one in force nor a published upcoming one.',
    'Reload the agreement and accept a version shown.',
    '`details.current_version` is the version in force (null if none yet); `details.upcoming_versions` lists the published versions that take effect later, which can be accepted in advance.',
  ),
  'app.not_found': unbilled('account', 404, 'No such app in this organisation.', 'Check the app id.'),
  'webhook.url_refused': unbilled(
    'webhook',
    422,
    'The webhook URL is refused: it does not resolve, or resolves to a loopback, private, link-local, shared or metadata address.',
    'Use a public http(s) URL; an operator can allow internal ranges with VISAGE_WEBHOOK_ALLOWED_CIDRS.',
    '`details.reason` says why (`unresolvable`, `address_not_allowed`, `invalid_url`). The address the URL resolved to is not answered (it would map the internal network); it is in the server log (`log_details.address`) for the operator.',
  ),
  'webhook.event_not_found': unbilled('webhook', 404, 'No such webhook event for this app.', 'Check the event id.'),
  'org.frozen': unbilled(
    'account',
    403,
    'The organisation is frozen: an operator is reviewing a compromised-account report. Live keys and sign-in are refused until then.',
    'Contact the operator. You can still reset your password; signing in and live keys resume once the operator resolves the report (sandbox keys keep working).',
  ),
  'notice.not_found': unbilled('account', 404, 'No such notice in this organisation’s inbox.', 'Check the notice id.'),
  'complaint.not_found': unbilled('account', 404, 'No such complaint.', 'Check the complaint id.'),
  'complaint.closed': unbilled(
    'account',
    409,
    'The complaint is resolved or dismissed already.',
    'A closed complaint does not change; file a new one if needed.',
  ),
  'key.not_found': unbilled('account', 404, 'No such API key in this organisation.', 'Check the key id.'),
  'key.not_active': unbilled(
    'account',
    409,
    'The API key is revoked, past its rotation grace period, or already rotated.',
    'Only an active key can be rotated or given an IP allowlist; create a new key instead.',
  ),

  'consent.required': unbilled(
    'consent',
    400,
    'The call carries no valid consent evidence.',
    'Send `consent` (subject_ref, text_version, obtained_at, method) or a `consent_id` from POST /v1/consents.',
  ),
  'consent.not_found': unbilled(
    'consent',
    404,
    'No consent record with that id belongs to this organisation.',
    'Create one with POST /v1/consents, or send the consent evidence inline.',
  ),

  'billing.insufficient_balance': unbilled(
    'billing',
    402,
    'The balance does not cover the price of this call.',
    'Top up the wallet; nothing was processed or charged.',
  ),
  'billing.price_not_set': unbilled(
    'billing',
    503,
    'The operator has not set a price for this product.',
    'Operator: `visage admin price set --product … --amount FEN`.',
  ),
  'billing.invalid_amount': unbilled(
    'billing',
    400,
    'Amounts are positive whole numbers of fen.',
    'Send an integer number of fen greater than zero.',
  ),
  'billing.duplicate_reference': unbilled(
    'billing',
    409,
    'A top-up with this reference was already recorded.',
    'Each bank-transfer reference is credited once; check the statement.',
  ),
  'topup.not_found': unbilled(
    'billing',
    404,
    'No such top-up request.',
    'Check the request id; customers see only their organisation’s requests.',
  ),
  'topup.not_pending': unbilled(
    'billing',
    409,
    'The top-up request was already confirmed or rejected.',
    'Reload the request: each one is decided once.',
    '`details.status` is the status it has.',
  ),
  'idempotency.mismatch': unbilled(
    'billing',
    422,
    'This Idempotency-Key was used with a different request.',
    'Use a new key for a different request.',
  ),
  'idempotency.in_progress': unbilled(
    'billing',
    409,
    'A request with this Idempotency-Key is still being processed.',
    'Retry after `Retry-After` seconds to get its response.',
  ),
  'idempotency.invalid_key': unbilled(
    'billing',
    400,
    'The Idempotency-Key header must be 1-255 printable ASCII characters.',
    'Use a UUID or another unique string.',
  ),

  'key.rate_limited': unbilled(
    'limits',
    429,
    'Too many requests per second for this key.',
    'Slow down and retry after `Retry-After` seconds.',
  ),
  'key.concurrency_limited': unbilled(
    'limits',
    429,
    'Too many requests in flight for this key.',
    'Wait for earlier requests to finish; retry after `Retry-After` seconds.',
  ),
  'subject.rate_limited': unbilled(
    'limits',
    429,
    'Too many verifications for this subject in the last minute or day.',
    'Retry after `Retry-After` seconds; repeated attempts on one person look like an attack.',
  ),

  'image.unsupported_format': unbilled(
    'image',
    422,
    'The file is not a JPEG, PNG or WebP image.',
    'Send a JPEG, PNG or WebP photo.',
    'Judged by the magic bytes, not by the file name or content type; an empty file is reported this way too.',
  ),
  'image.corrupt': unbilled(
    'image',
    422,
    'The image could not be decoded; it is truncated or damaged.',
    'Re-capture or re-upload the photo.',
    'Also a file whose header disagrees with its magic bytes.',
  ),
  'image.too_large': unbilled(
    'image',
    422,
    'The image exceeds the byte or pixel limit.',
    'Downscale the photo (`details` has the limit that was exceeded).',
    'More than the byte cap (default 10 MiB; `details`: bytes and maxBytes) or, read from the header before decoding, more than the pixel cap (default 40 MP; `details`: width, height and maxPixels).',
  ),
  'image.too_small': unbilled(
    'image',
    422,
    'A side of the image is shorter than 32 px.',
    'Send a larger photo.',
    '`details`: width, height and minSide.',
  ),
  'image.no_id_card': unbilled(
    'image',
    422,
    'No resident ID card side was found in the image.',
    'Photograph one side of the card, flat, whole and in focus; send `side` to say which.',
    '`details.expected` is the side asked for (front, back or auto); `details.found` the side that was read instead, if any.',
  ),
  'face.none': unbilled(
    'image',
    422,
    'No face was found in the image.',
    'Ask the person to face the camera, closer and in better light.',
    'Also reported when the only face’s landmarks are degenerate.',
  ),
  'face.multiple': unbilled(
    'image',
    422,
    'More than one face was found and the app allows only one.',
    'Crop to one person, or allow several faces in the app’s settings (the largest is used).',
    '`details.count` says how many faces were found.',
  ),

  'certification.invalid_credit_code': unbilled(
    'certification',
    400,
    'The unified social credit code is not valid.',
    'Check the 18 characters against the business licence; the last one is a check character (GB 32100-2015).',
    '`details.field` names the field; `details.problem` is length, character (outside 0-9 and A-Y without I, O, S, V, Z) or check_character.',
  ),
  'certification.invalid_resident_id': unbilled(
    'certification',
    400,
    'The resident identity card number is not valid.',
    'Check the 18 characters against the ID card; the last one is a check digit 0-9 or X (GB 11643-1999).',
    '`details.field` names the field; `details.problem` is length, character, region (the first two digits are no province), birth_date (not a real date, before 1900 or in the future) or check_digit.',
  ),
  'certification.unknown_industry': unbilled(
    'certification',
    400,
    'The industry is not in the operator’s catalogue.',
    'Choose an industry from GET /console/api/industries.',
    '`details.field` is industry_code.',
  ),
  'certification.incomplete': unbilled(
    'certification',
    422,
    'The application lacks required fields or documents.',
    'Fill in every field and upload the business licence and each licence the industry requires, then submit again.',
    '`details.missing` lists the missing field names, `business_licence` and `licence:<code>` for each missing licence document.',
  ),
  'certification.not_editable': unbilled(
    'certification',
    409,
    'The application cannot be changed while it is under review or after it was approved.',
    'Wait for the operator’s decision; a rejected application can be corrected and submitted again.',
    '`details.state` is the organisation’s certification state.',
  ),
  'certification.not_found': unbilled(
    'certification',
    404,
    'This organisation has no certification application.',
    'Check the organisation id.',
  ),
  'document.not_found': unbilled(
    'certification',
    404,
    'No such document in this organisation.',
    'Check the document id; documents of other organisations are never shown.',
  ),
  'document.unsupported_type': unbilled(
    'certification',
    415,
    'The document is not a JPEG, PNG or PDF file.',
    'Upload a scan or photo as JPEG or PNG, or a PDF.',
    'Judged by the magic bytes, not by the file name or content type; an empty file is reported this way too.',
  ),
  'document.too_large': unbilled(
    'certification',
    413,
    'The document exceeds the size limit.',
    'Upload a smaller file (`details.max_bytes`).',
    '`details`: bytes and max_bytes.',
  ),
  'sanctions.invalid_csv': unbilled(
    'certification',
    400,
    'The sanctions list CSV cannot be read.',
    'Send a CSV with a header row naming the columns name, aliases, list and program.',
    '`details.reason` says what is wrong and `details.line` where, when known.',
  ),

  'registry.not_found': unbilled(
    'registry',
    422,
    'No identity record matches this name and ID number.',
    'Check the name and the ID number with the person; nothing was charged.',
    'For a `comparison: { type: "registry" }` verification. Sandbox keys see only sandbox records and get this code (with no details) both when the number is unknown and when the name does not match; live keys see only live records and get `registry.name_mismatch` for the latter. See docs/identity-sources.md.',
  ),
  'registry.name_mismatch': unbilled(
    'registry',
    422,
    'The name does not match the identity record of this ID number.',
    'Check the spelling of the name with the person; nothing was charged.',
    'Live keys only: sandbox keys get `registry.not_found` instead, so that a sandbox key cannot tell an unknown number from a wrong name.',
  ),
  'registry.source_unavailable': unbilled(
    'registry',
    503,
    'The identity source did not answer.',
    'Retry later; nothing was charged. The operator can check VISAGE_IDENTITY_SOURCE_URL.',
    'The external identity source (docs/identity-sources.md) timed out, failed or answered outside its contract; or a registry record holds a template of another model and no photo to compute a new one.',
  ),
  'registry.invalid_import': unbilled(
    'registry',
    400,
    'The identity import has invalid rows; nothing was imported.',
    'Correct the rows listed in `details.rows` and import the whole file again.',
    '`details.rows` lists `{ line, field, problem }` for every invalid row (line 1 is the CSV header; for the admin API, `line` is the record index + 2 as if it were a CSV); an import is all or nothing.',
  ),
  'registry.refusals_exceeded': unbilled(
    'registry',
    429,
    'This key has had too many registry comparisons refused today.',
    'Check names and ID numbers with the person before comparing; retry after `Retry-After` seconds (the next UTC day).',
    'A live key gets at most VISAGE_REGISTRY_REFUSALS_PER_KEY_PER_DAY `registry.not_found` / `registry.name_mismatch` answers per UTC day (counted across all server processes); past it, registry comparisons are refused until the day ends, so that a key cannot probe which names go with which numbers. `details`: `limit`, `window` (`utc_day`), `retry_after_seconds`. Nothing was charged.',
  ),
  'registry.import_conflict': unbilled(
    'registry',
    409,
    'Another import registered one of these ID numbers at the same time; nothing was imported.',
    'Retry the import: it then replaces the records the other import created.',
  ),
  'registry.record_not_found': unbilled(
    'registry',
    404,
    'No such identity record.',
    'Check the record id (GET /admin/api/registry/identities).',
  ),

  'verification.not_found': unbilled(
    'verification',
    404,
    'No such verification in this organisation.',
    'Check the id; verifications of other organisations are never shown.',
  ),
  'result.expired': unbilled(
    'verification',
    410,
    'The result is past the app’s result-retention window, was read 3 times already, or was deleted.',
    'Store the result on your side when you first read it.',
  ),

  'capture.not_found': unbilled(
    'capture',
    404,
    'No such capture session in this organisation.',
    'Check the id; sessions of other organisations or of the other key mode are never shown.',
  ),
  'capture.link_used': unbilled(
    'capture',
    410,
    'This capture link was opened already.',
    'Reload the page in the tab that opened it, or ask the service for a new link.',
    'The URL token is single-use: the first open exchanges it for a page token kept by that browser tab.',
  ),
  'capture.unauthorized': unbilled(
    'capture',
    401,
    'The capture page token is missing or invalid.',
    'Open the capture link again from the service that sent you.',
  ),
  'capture.expired': unbilled('capture', 410, 'The capture session has expired.', 'Ask the service for a new link.'),
  'capture.finished': unbilled(
    'capture',
    409,
    'The capture session is already finished.',
    'Read its result with GET /v1/capture-sessions/{id}.',
    '`details.status` is the final status.',
  ),
  'capture.notify_url_refused': unbilled(
    'capture',
    422,
    'The capture session’s notify_url is refused: it is not an http(s) URL, does not resolve, or resolves to a loopback, private, link-local, shared or metadata address.',
    'Use a public http(s) URL, or leave notify_url out to be told at the app’s webhook URL; an operator can allow internal ranges with VISAGE_WEBHOOK_ALLOWED_CIDRS.',
    '`details.reason` says why (`unresolvable`, `address_not_allowed`, `invalid_url`); `details.address` is the refused address when there is one. Nothing was created or charged.',
  ),
  'capture.webhook_secret_required': unbilled(
    'capture',
    409,
    'A notify_url was given, but the app has no webhook signing secret yet: events are never sent unsigned.',
    'Issue the app’s secret first (set its webhook URL in the console, or POST /console/api/apps/{app_id}/webhook/secret), store it on your server, then open the session again.',
    'Nothing was created or charged.',
  ),
  'capture.consent_required': unbilled(
    'capture',
    409,
    'The person has not agreed to the consent text yet.',
    'Show the consent screen and send POST /capture/api/consent first.',
  ),
  'capture.attempts_exhausted': unbilled(
    'capture',
    409,
    'No capture attempts are left in this session.',
    'Ask the service for a new link.',
  ),
  'capture.attempt_not_found': unbilled(
    'capture',
    404,
    'No such attempt in this session, or it is no longer the current one.',
    'Start an attempt with POST /capture/api/attempts.',
  ),
  'capture.too_many_frames': unbilled(
    'capture',
    400,
    'Too many frames for this step or attempt.',
    'Send at most `details.max_per_step` frames per step and `details.max_per_attempt` per attempt.',
  ),
  'capture.frame_invalid': unbilled(
    'capture',
    400,
    'The frame is not a JPEG within the size and dimension limits.',
    'Send JPEG frames of at most `details.max_bytes` bytes and 1280x1280 pixels.',
  ),
  'capture.rate_limited': unbilled(
    'capture',
    429,
    'Too many requests for this capture session.',
    'Slow down; retry after `Retry-After` seconds.',
  ),

  'liveness.spoof': unbilled(
    'liveness',
    422,
    'The face failed the passive anti-spoofing check: it looks like a photo or a screen.',
    'Ask the person to use their own live camera, in good light, without a photo or screen in front of it.',
    'As a capture session’s failure `reason` it comes inside a 200 result (the session is charged); `liveness_details.reason_details` has the measurements behind it. See docs/liveness.md. `liveness_details.signals_fired` names every signal that fired, not only this one.',
  ),
  'liveness.face_replaced': unbilled(
    'liveness',
    422,
    'The face changed during the capture.',
    'Ask the same person to capture again, alone in front of the camera.',
    'As a capture session’s failure `reason` it comes inside a 200 result (the session is charged); `liveness_details.reason_details` has the measurements behind it. See docs/liveness.md. `reason_details.frame` names the frame whose face did not match the best frame at the 1e-4 level. `liveness_details.signals_fired` names every signal that fired, not only this one.',
  ),
  'liveness.challenge_failed': unbilled(
    'liveness',
    422,
    'A liveness challenge was not performed as asked.',
    'Ask the person to follow the prompts (blink, open the mouth, turn or nod) and try again.',
    'As a capture session’s failure `reason` it comes inside a 200 result (the session is charged); `liveness_details.reason_details` has the measurements behind it. See docs/liveness.md. `reason_details.challenge` is the first challenge that failed. `liveness_details.signals_fired` names every signal that fired, not only this one.',
  ),
  'liveness.no_face': unbilled(
    'liveness',
    422,
    'No face was found in enough of the frames.',
    'Ask the person to keep their face inside the oval, in good light.',
    'As a capture session’s failure `reason` it comes inside a 200 result (the session is charged); `liveness_details.reason_details` has the measurements behind it. See docs/liveness.md.',
  ),
  'liveness.too_few_frames': unbilled(
    'liveness',
    422,
    'Too few frames were captured for a liveness decision.',
    'Capture again; the page sends several frames per step.',
    'As a capture session’s failure `reason` it comes inside a 200 result (the session is charged); `liveness_details.reason_details` has the measurements behind it. See docs/liveness.md.',
  ),
  'liveness.timing': unbilled(
    'liveness',
    422,
    'The frames’ timing is not that of a live camera capture.',
    'Capture again with the hosted page; frames must be captured live, in order and within the step time limits.',
    'As a capture session’s failure `reason` it comes inside a 200 result (the session is charged); `liveness_details.reason_details` has the measurements behind it. See docs/liveness.md. `reason_details.problem` is one of not_increasing, too_fast, too_regular, too_long, wrong_order, step_too_long, step_too_short, invalid_timestamp.',
  ),

  'service.overloaded': unbilled(
    'service',
    503,
    'The service is busy.',
    'Retry after `Retry-After` seconds; the operator can add workers or machines.',
  ),
  'service.timeout': unbilled(
    'service',
    503,
    'The face engine did not finish in time.',
    'Retry; report it if it repeats. Nothing was charged.',
  ),
  'service.unavailable': unbilled(
    'service',
    503,
    'The service is shutting down, not ready, or cannot reach its database.',
    'Retry on another instance or after `Retry-After` seconds.',
  ),
  'internal.error': unbilled(
    'service',
    500,
    'An unexpected error occurred.',
    'Retry; if it repeats, report the request_id to the operator. Nothing was charged.',
  ),
} as const satisfies Record<string, CodeEntry>);

export type ErrorCode = keyof typeof errorRegistry;
export type ResultCode = keyof typeof resultRegistry;
export type Code = ErrorCode | ResultCode;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(errorRegistry, code);
}
