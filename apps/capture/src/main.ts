/**
 * The hosted capture page (/capture/:token): open the session with the link's token, ask for consent, open the front
 * camera, guide the face into the oval, run the server's steps while uploading JPEG frames, and hand the person back
 * to the customer's return_url with the session id. Whether a live person was there is decided by the server alone.
 */

import './styles.css';
import {
  ApiError,
  captureApi,
  setPageToken,
  type CaptureSession,
  type CompletionAnswer,
  type EndAnswer,
  type FlashColor,
  type Step,
} from './api';
import { CameraError, grabJpeg, nextFrameTime, openCamera, sampleVisible, stopCamera, supportProblem } from './camera';
import type { CameraProblem } from './camera';
import { h, sleep, svg, type Child } from './dom';
import { judge, oval, type Feedback, type Sample } from './feedback';
import { hasMessage, language, pickLanguage, setLanguage, t, type MessageKey } from './i18n';
import { stepDurationMs, stepsOf, type StepPlan } from './steps';

/** What survives a reload of this tab: the link's token is used up once opened, the page token is not. */
interface Stored {
  readonly token: string;
  readonly pageToken: string;
  readonly session: CaptureSession;
  consented: boolean;
  final?: CompletionAnswer;
}

const storageKey = 'visage.capture.session';
const root = document.getElementById('app') as HTMLElement;

let stored: Stored | undefined;
let stream: MediaStream | undefined;
/** Re-draws the current screen (after a language switch). */
let redraw: () => void = () => undefined;
/** Set while the camera steps run: the language cannot switch and a cancel stops them. */
let capturing = false;
let cancelled = false;
let guideTimer: number | undefined;

const video = h('video', { class: 'video', playsinline: true, muted: true, autoplay: true, 'aria-hidden': 'true' });
video.muted = true;

function save(): void {
  if (!stored) return;
  try {
    sessionStorage.setItem(storageKey, JSON.stringify(stored));
  } catch {
    // storage blocked: a reload will ask for a new link
  }
}

function load(token: string): Stored | undefined {
  try {
    const raw = sessionStorage.getItem(storageKey);
    const parsed = raw ? (JSON.parse(raw) as Stored) : undefined;
    return parsed && parsed.token === token && parsed.pageToken ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const appName = () => stored?.session.app_name ?? '';

// ---------------------------------------------------------------- the frame around every screen

function show(draw: () => Child[]): void {
  redraw = () => {
    const other = language() === 'zh-CN' ? 'en' : 'zh-CN';
    const header = h(
      'header',
      { class: 'top' },
      h('span', { class: 'brand' }, stored?.session.app_name || t('title')),
      capturing
        ? null
        : h(
            'button',
            {
              type: 'button',
              class: 'link lang',
              lang: other,
              'aria-label': t('switchLanguageLabel'),
              onclick: () => {
                setLanguage(other, true);
                redraw();
              },
            },
            t('switchLanguage'),
          ),
    );
    document.title = stored?.session.app_name ? `${t('title')} · ${stored.session.app_name}` : t('title');
    root.replaceChildren(header, h('div', { class: 'card' }, ...draw()), h('footer', {}, t('poweredBy')));
  };
  redraw();
}

function heading(text: string): HTMLElement {
  const element = h('h1', { tabindex: '-1' }, text);
  queueMicrotask(() => element.focus({ preventScroll: true }));
  return element;
}

function safeReturnUrl(returnUrl: string | null | undefined): URL | undefined {
  if (!returnUrl || !stored) return undefined;
  try {
    const url = new URL(returnUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    url.searchParams.set('capture_session_id', stored.session.id);
    return url;
  } catch {
    return undefined;
  }
}

let autoReturnTimer: number | undefined;

/** A "return to the app" button, and optionally the automatic return after a few seconds (set once per screen). */
function returnControls(returnUrl: string | null | undefined, autoAfterMs?: number, primary = true): Child[] {
  const url = safeReturnUrl(returnUrl);
  if (!url) return [h('p', { class: 'muted' }, t('closePage'))];
  if (autoAfterMs !== undefined && autoReturnTimer === undefined) {
    autoReturnTimer = window.setTimeout(() => window.location.assign(url.href), autoAfterMs);
  }
  return [
    autoAfterMs !== undefined ? h('p', { class: 'muted' }, t('returning', { app: appName() })) : null,
    h(
      'a',
      { class: primary ? 'button primary' : 'button', href: url.href, rel: 'noreferrer' },
      t('returnNow', { app: appName() }),
    ),
  ];
}

// ---------------------------------------------------------------- screens

function showLoading(): void {
  show(() => [h('p', { class: 'center muted', role: 'status' }, h('span', { class: 'spinner' }), t('loading'))]);
}

function errorKey(error: unknown): MessageKey {
  if (!(error instanceof ApiError)) return 'error_generic';
  const code = error.code;
  if (code === 'network') return 'error_network';
  if (code.includes('link_used')) return appName() ? 'error_link_used' : 'error_link_used_generic';
  if (code.includes('attempts_exhausted')) return 'failedFinal';
  if (code.includes('expired')) return 'error_expired';
  if (error.status === 429 || code.includes('rate')) return 'error_rate_limited';
  if (code.includes('finished') || code.includes('state') || code.includes('not_open') || error.status === 409) {
    return 'error_finished';
  }
  if (error.status === 401 || error.status === 404 || code.includes('not_found') || code.includes('token')) {
    return 'error_not_found';
  }
  return 'error_generic';
}

function showError(error: unknown, retry?: () => void): void {
  stopEverything();
  const code = error instanceof ApiError && error.code !== 'network' ? error.code : undefined;
  show(() => [
    heading(t('errorHeading')),
    h('p', { role: 'alert' }, t(errorKey(error), { app: appName() })),
    code ? h('p', { class: 'muted small' }, t('errorCode', { code })) : null,
    retry ? h('button', { type: 'button', class: 'button primary', onclick: retry }, t('tryAgain')) : null,
  ]);
}

function showConsent(session: CaptureSession): void {
  let checked = false;
  show(() => {
    const accept = h('button', { type: 'button', class: 'button primary', disabled: !checked }, t('consentAccept'));
    const checkbox = h('input', { type: 'checkbox', id: 'consent', checked });
    checkbox.addEventListener('change', () => {
      checked = checkbox.checked;
      accept.disabled = !checked;
    });
    // The notice in the page's language when the server sent both; the consent records the one shown.
    const shownLocale = session.consent.texts ? language() : session.consent.locale;
    const shownText = session.consent.texts ? session.consent.texts[language()] : session.consent.text;
    accept.addEventListener('click', () => void giveConsent(accept, shownLocale));
    return [
      h('p', { class: 'requested' }, t('requestedBy', { app: session.app_name, org: session.org_name })),
      heading(t('consentHeading')),
      h('p', {}, t('consentIntro', { org: session.org_name, operator: session.operator_name })),
      h(
        'div',
        { class: 'consent-text', tabindex: '0', role: 'document', 'aria-label': t('consentHeading') },
        shownText,
      ),
      h('p', { class: 'muted small' }, t('consentVersion', { version: String(session.consent.version) })),
      h('label', { class: 'check', for: 'consent' }, checkbox, h('span', {}, t('consentCheckbox'))),
      h(
        'div',
        { class: 'actions' },
        accept,
        h('button', { type: 'button', class: 'button', onclick: () => void cancel() }, t('consentDecline')),
      ),
    ];
  });
}

async function giveConsent(button: HTMLButtonElement, locale: 'zh-CN' | 'en' | undefined): Promise<void> {
  button.disabled = true;
  try {
    await captureApi.consent(locale);
  } catch (error) {
    showError(error);
    return;
  }
  if (stored) {
    stored.consented = true;
    save();
  }
  await startCamera();
}

async function reportUnsupported(problem: CameraProblem): Promise<void> {
  stopEverything();
  let answer: EndAnswer | undefined;
  let reported = false;
  try {
    answer = await captureApi.unsupported(problem);
    reported = true;
  } catch {
    // Said plainly on the page all the same; the session expires on its own.
  }
  show(() => [
    heading(t('unsupportedHeading')),
    h('p', { role: 'alert' }, t(`unsupported_${problem}`)),
    reported ? h('p', { class: 'muted' }, t('unsupportedReported', { app: appName() })) : null,
    ...returnControls(answer?.return_url ?? stored?.session.return_url),
  ]);
}

function showPermissionDenied(): void {
  show(() => [
    heading(t('permissionDeniedHeading')),
    h('p', { role: 'alert' }, t('permissionDeniedBody')),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'button primary', onclick: () => void startCamera() }, t('tryAgain')),
      h(
        'button',
        { type: 'button', class: 'button', onclick: () => void reportUnsupported('permission_denied') },
        t('noCamera'),
      ),
    ),
  ]);
}

async function startCamera(): Promise<void> {
  show(() => [h('p', { class: 'center muted', role: 'status' }, t('cameraOpening')), h('p', {}, t('cameraPrompt'))]);
  try {
    stream = await openCamera();
  } catch (error) {
    const problem = error instanceof CameraError ? error.problem : 'no_camera';
    if (problem === 'permission_denied') showPermissionDenied();
    else await reportUnsupported(problem);
    return;
  }
  video.srcObject = stream;
  try {
    await video.play();
  } catch {
    // autoplay of a muted, inline video is allowed everywhere we support; the picture still comes
  }
  showGuide();
}

/** The viewfinder: the mirrored camera picture under the oval. */
function viewfinder(state: string, extra: Child[] = []): HTMLElement {
  const width = 300;
  const height = 400;
  const cx = oval.cx * width;
  const cy = oval.cy * height;
  const rx = oval.rx * width;
  const ry = oval.ry * height;
  const hole = `M0 0H${width}V${height}H0Z M${cx - rx} ${cy} a${rx} ${ry} 0 1 0 ${2 * rx} 0 a${rx} ${ry} 0 1 0 ${-2 * rx} 0Z`;
  const overlay = svg(
    'svg',
    { class: 'overlay', viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', 'aria-hidden': 'true' },
    svg('path', { class: 'shade', d: hole, 'fill-rule': 'evenodd' }),
    svg('ellipse', { class: `ring ${state}`, cx, cy, rx, ry }),
  );
  return h('div', { class: 'viewfinder' }, video, overlay, ...extra);
}

const feedbackKey: Record<Feedback, MessageKey> = {
  ready: 'feedbackReady',
  dark: 'feedbackDark',
  bright: 'feedbackBright',
  closer: 'feedbackCloser',
  farther: 'feedbackFarther',
  still: 'feedbackStill',
  waiting: 'feedbackWaiting',
};

function showGuide(): void {
  stopGuide();
  capturing = false;
  let feedback: Feedback = 'waiting';
  let previous: Sample | undefined;
  show(() => {
    const frame = viewfinder(feedback === 'ready' ? 'ok' : 'hint');
    const line = h(
      'p',
      { class: `feedback ${feedback === 'ready' ? 'ok' : 'hint'}`, role: 'status' },
      t(feedbackKey[feedback]),
    );
    const ring = frame.querySelector('.ring');
    stopGuide();
    guideTimer = window.setInterval(() => {
      const pixels = sampleVisible(video);
      if (!pixels) return;
      const judged = judge(pixels, previous);
      previous = judged.sample;
      if (judged.feedback === feedback) return;
      feedback = judged.feedback;
      const state = feedback === 'ready' ? 'ok' : 'hint';
      line.textContent = t(feedbackKey[feedback]);
      line.className = `feedback ${state}`;
      ring?.setAttribute('class', `ring ${state}`);
    }, 250);
    return [
      heading(t('guideHeading')),
      frame,
      line,
      h('p', { class: 'muted small' }, t('guideHint')),
      stored?.session.liveness === 'flash'
        ? h('p', { class: 'flash-warning small', role: 'note' }, t('flashWarning'))
        : null,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'button primary', onclick: () => void runAttempt() }, t('start')),
        h('button', { type: 'button', class: 'button', onclick: () => void cancel() }, t('cancel')),
      ),
    ];
  });
}

function stopGuide(): void {
  if (guideTimer !== undefined) window.clearInterval(guideTimer);
  guideTimer = undefined;
}

function stopEverything(): void {
  setFlash(null);
  stopGuide();
  capturing = false;
  stopCamera(stream);
  stream = undefined;
  video.srcObject = null;
}

const flashCss: Record<FlashColor, string> = {
  red: '#ff0000',
  green: '#00ff00',
  blue: '#0000ff',
  yellow: '#ffff00',
  magenta: '#ff00ff',
  cyan: '#00ffff',
};

/** Lights the page in a flash colour (null: back to normal). */
function setFlash(color: FlashColor | null): void {
  const html = document.documentElement;
  html.classList.toggle('flashing', color !== null);
  if (color) html.style.setProperty('--flash', flashCss[color]);
  else html.style.removeProperty('--flash');
}

/** Resolves once the browser has painted what was just set (two animation frames). */
const painted = () =>
  new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));

/** The animated prompt: a face that blinks, opens its mouth, turns or nods. */
function promptIcon(step: Step): Element {
  return svg(
    'svg',
    { class: `prompt-icon anim-${step}`, viewBox: '0 0 64 64', 'aria-hidden': 'true' },
    svg('circle', { class: 'head', cx: 32, cy: 32, r: 26 }),
    svg(
      'g',
      { class: 'features' },
      svg('ellipse', { class: 'eye', cx: 23, cy: 27, rx: 3, ry: 4 }),
      svg('ellipse', { class: 'eye', cx: 41, cy: 27, rx: 3, ry: 4 }),
      svg('ellipse', { class: 'mouth', cx: 32, cy: 43, rx: 7, ry: 2 }),
    ),
  );
}

function stepMessage(step: Step): string {
  if (step.startsWith('flash_')) return t('step_flash');
  const key = `step_${step}`;
  return hasMessage(key) ? t(key) : t('step_still');
}

/** Uploads run beside the capture, two at a time; a frame that fails on the network is tried again twice. */
function uploader(attemptId: string) {
  const pending: Promise<void>[] = [];
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async () => {
    while (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
  };
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return {
    add(frame: { step: Step; index: number; capturedAtMs: number; jpeg: Blob }) {
      const job = (async () => {
        await slot();
        try {
          for (let tries = 0; ; tries++) {
            try {
              await captureApi.uploadFrame(attemptId, frame);
              return;
            } catch (error) {
              const transient = error instanceof ApiError && (error.status === 0 || error.status >= 500);
              if (!transient || tries >= 2) throw error;
              await sleep(400 * (tries + 1));
            }
          }
        } finally {
          release();
        }
      })();
      // Judged when the attempt ends; an early failure must not go unhandled meanwhile.
      job.catch(() => undefined);
      pending.push(job);
    },
    async done(): Promise<void> {
      await Promise.all(pending);
    },
  };
}

async function runAttempt(): Promise<void> {
  const session = stored?.session;
  if (!session) return;
  stopGuide();
  capturing = true;
  cancelled = false;
  let attemptId: string;
  try {
    ({ attempt_id: attemptId } = await captureApi.startAttempt());
  } catch (error) {
    if (error instanceof ApiError && error.code === 'capture.consent_required' && stored) {
      // The consent was not recorded (a reload raced it): ask again.
      stopEverything();
      stored.consented = false;
      save();
      showConsent(session);
      return;
    }
    showError(error);
    return;
  }
  const plans = stepsOf(session.liveness, session.challenges, session.flash ?? []);
  const uploads = uploader(attemptId);
  const start = performance.now();
  let index = 0;
  let lastMs = -1;
  try {
    for (const [position, plan] of plans.entries()) {
      if (cancelled) return;
      if (plan.color) {
        // One screen for all the colours; each colour then only repaints the page (no re-render between them).
        if (!document.documentElement.classList.contains('flashing')) showStep(plan, position, plans.length);
        setFlash(plan.color);
        await painted();
      } else {
        showStep(plan, position, plans.length);
        await sleep(plan.leadInMs);
      }
      const stepStart = performance.now();
      for (const offset of plan.frameOffsetsMs) {
        if (cancelled) return;
        const due = stepStart + offset;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const at = await nextFrameTime(video);
        const jpeg = await grabJpeg(video);
        const capturedAtMs = Math.max(0, Math.round(at - start));
        // Two frames of one camera picture would carry one time: the later one is not sent.
        if (capturedAtMs <= lastMs) continue;
        lastMs = capturedAtMs;
        uploads.add({ step: plan.step, index: index++, capturedAtMs, jpeg });
      }
      // A colour stays at least its whole duration (≥ 400 ms: at most 2.5 changes a second, WCAG 2.3.1).
      if (plan.durationMs !== undefined) await sleep(stepStart + plan.durationMs - performance.now());
    }
    setFlash(null);
    capturing = false;
    show(() => [h('p', { class: 'center', role: 'status' }, h('span', { class: 'spinner' }), t('checking'))]);
    stopCamera(stream);
    stream = undefined;
    await uploads.done();
    const answer = await captureApi.complete(attemptId);
    if (stored) {
      stored.final = answer;
      save();
    }
    showResult(answer);
  } catch (error) {
    if (cancelled) return;
    stopEverything();
    if (error instanceof ApiError) showError(error, error.status === 0 ? () => void startCamera() : undefined);
    else showError(error, () => void startCamera());
  }
}

function showStep(plan: StepPlan, position: number, total: number): void {
  show(() => {
    const timer = h('div', { class: 'timer', role: 'presentation' }, h('span', {}));
    timer.style.setProperty('--duration', `${stepDurationMs(plan)}ms`);
    const dots = h(
      'ol',
      { class: 'dots', 'aria-hidden': 'true' },
      ...Array.from({ length: total }, (_, i) =>
        h('li', { class: i < position ? 'done' : i === position ? 'current' : '' }),
      ),
    );
    return [
      h('p', { class: 'muted small step-of' }, t('stepOf', { n: position + 1, total })),
      dots,
      viewfinder('ok', [promptIcon(plan.step)]),
      h('p', { class: 'prompt', role: 'status' }, stepMessage(plan.step)),
      timer,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'button', onclick: () => void cancel() }, t('cancel')),
      ),
    ];
  });
}

const reasonKeys: Record<string, MessageKey> = {
  'liveness.spoof': 'reason_spoof',
  'liveness.face_replaced': 'reason_face_replaced',
  'liveness.challenge_failed': 'reason_challenge_failed',
  'liveness.no_face': 'reason_no_face',
  'liveness.too_few_frames': 'reason_too_few_frames',
  'liveness.timing': 'reason_timing',
  'result.spoof': 'reason_spoof',
};

function showResult(answer: CompletionAnswer): void {
  stopEverything();
  if (answer.status === 'passed') {
    show(() => [
      h('div', { class: 'badge ok', 'aria-hidden': 'true' }, '✓'),
      heading(t('passedHeading')),
      h('p', {}, t('passedBody')),
      ...returnControls(answer.return_url, 2500),
    ]);
    return;
  }
  const canRetry = answer.attempts_left > 0 && answer.status !== 'expired' && answer.status !== 'cancelled';
  show(() => [
    h('div', { class: 'badge fail', 'aria-hidden': 'true' }, '!'),
    heading(t('failedHeading')),
    h('p', { role: 'alert' }, t(reasonKeys[answer.reason ?? ''] ?? 'reason_other')),
    h('p', { class: 'muted' }, canRetry ? t('failedRetry', { n: answer.attempts_left }) : t('failedFinal')),
    canRetry
      ? h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'button primary', onclick: () => void retry() }, t('retry')),
        )
      : null,
    ...returnControls(answer.return_url, canRetry ? undefined : 5000, !canRetry),
  ]);
}

async function retry(): Promise<void> {
  if (stored) {
    delete stored.final;
    save();
  }
  await startCamera();
}

async function cancel(): Promise<void> {
  if (!window.confirm(t('cancelConfirm'))) return;
  cancelled = true;
  stopEverything();
  let answer: EndAnswer | undefined;
  try {
    answer = await captureApi.cancel();
  } catch (error) {
    showError(error);
    return;
  }
  show(() => [
    heading(t('cancelledHeading')),
    h('p', {}, t('cancelledBody')),
    ...returnControls(answer?.return_url ?? stored?.session.return_url),
  ]);
}

// ---------------------------------------------------------------- start

async function main(): Promise<void> {
  setLanguage(pickLanguage());
  const token = decodeURIComponent(window.location.pathname.replace(/^\/capture\/+/, '').split('/')[0] ?? '');
  showLoading();
  if (!token) {
    showError(new ApiError(404, 'capture.not_found', 'no token'));
    return;
  }
  stored = load(token);
  const reopened = stored !== undefined;
  if (!stored) {
    try {
      const opened = await captureApi.open(token);
      stored = { token, pageToken: opened.page_token, session: opened.session, consented: false };
      save();
    } catch (error) {
      showError(error);
      return;
    }
  }
  setPageToken(stored.pageToken);
  setLanguage(pickLanguage(stored.session.locale));
  if (stored.final) {
    showResult(stored.final);
    return;
  }
  if (reopened) {
    // A reload: the session as it is now (another tab, or the expiry, may have ended it).
    try {
      stored = { ...stored, session: await captureApi.session() };
      save();
    } catch (error) {
      showError(error);
      return;
    }
  }
  const problem = supportProblem();
  if (problem) {
    await reportUnsupported(problem);
    return;
  }
  if (stored.consented) await startCamera();
  else showConsent(stored.session);
}

window.addEventListener('pagehide', () => stopCamera(stream));
void main();
