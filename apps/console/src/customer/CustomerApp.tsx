import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router';
import { useApi } from '../api/hooks';
import type { AgreementState, Organization } from '../api/types';
import { Banner, formatDateTime, Layout, Loading, type NavItem } from '../ui';
import { AccountPage } from './pages/AccountPage';
import { AgreementPage } from './pages/AgreementPage';
import { AppDetailPage } from './pages/AppDetailPage';
import { AppsPage } from './pages/AppsPage';
import { ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage } from './pages/MailPages';
import { CertificationPage } from './pages/CertificationPage';
import { ComplaintsPage } from './pages/ComplaintsPage';
import { NoticesPage, useUnreadCount } from './pages/NoticesPage';
import { OverviewPage } from './pages/OverviewPage';
import { PrivacyPage } from './pages/PrivacyPage';
import { RegisterPage } from './pages/RegisterPage';
import { SignInPage } from './pages/SignInPage';
import { UsagePage } from './pages/UsagePage';
import { WalletPage } from './pages/WalletPage';
import { SessionProvider, useSession } from './session';

/** The webhook pages (and their strings) are a separate chunk, loaded when first opened. */
const webhookPages = () => import('./pages/WebhooksPage');
const WebhooksPage = lazy(() => webhookPages().then((m) => ({ default: m.WebhooksPage })));
const WebhookEventPage = lazy(() => webhookPages().then((m) => ({ default: m.WebhookEventPage })));

/** The customer console, mounted under /console (see main.tsx). */
export function CustomerApp() {
  return (
    <SessionProvider>
      <Routes>
        <Route
          path="/sign-in"
          element={
            <SignedOut onlySignedOut>
              <SignInPage />
            </SignedOut>
          }
        />
        <Route
          path="/register"
          element={
            <SignedOut onlySignedOut>
              <RegisterPage />
            </SignedOut>
          }
        />
        <Route
          path="/forgot-password"
          element={
            <SignedOut>
              <ForgotPasswordPage />
            </SignedOut>
          }
        />
        <Route
          path="/reset-password"
          element={
            <SignedOut>
              <ResetPasswordPage />
            </SignedOut>
          }
        />
        <Route
          path="/verify-email"
          element={
            <SignedOut>
              <VerifyEmailPage />
            </SignedOut>
          }
        />
        <Route path="/*" element={<SignedIn />} />
      </Routes>
    </SessionProvider>
  );
}

/** Pages for anyone: the frame without navigation. Signed-in customers skip sign-in and registration. */
function SignedOut({
  children,
  onlySignedOut = false,
}: {
  readonly children: ReactNode;
  readonly onlySignedOut?: boolean;
}) {
  const { t } = useTranslation();
  const { session } = useSession();
  if (onlySignedOut && session && session.user.org_id !== null) return <Navigate to="/" replace />;
  return <Layout productName={t('product.console')}>{children}</Layout>;
}

function SignedIn() {
  const { session, signOut, notice } = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  if (session === undefined) {
    return (
      <Layout productName={t('product.console')}>
        <Loading />
      </Layout>
    );
  }
  if (session === null || session.user.org_id === null) {
    if (notice) return <Navigate to={`/sign-in?notice=${notice}`} replace />;
    const next = location.pathname + location.search;
    return <Navigate to={`/sign-in${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return <SignedInFrame username={session.user.username} onSignOut={signOut} />;
}

function SignedInFrame({
  username,
  onSignOut,
}: {
  readonly username: string;
  readonly onSignOut: (notice?: string) => Promise<void>;
}) {
  const { t } = useTranslation('customer');
  const unread = useUnreadCount();
  const nav: NavItem[] = [
    { to: '/', label: t('nav.overview'), end: true },
    { to: '/certification', label: t('nav.certification') },
    { to: '/agreement', label: t('nav.agreement') },
    { to: '/apps', label: t('nav.apps') },
    { to: '/wallet', label: t('nav.wallet') },
    { to: '/usage', label: t('nav.usage') },
    { to: '/notices', label: t('nav.notices'), badge: unread, badgeLabel: t('nav.unread', { count: unread }) },
    { to: '/privacy', label: t('nav.privacy') },
    { to: '/complaints', label: t('nav.complaints') },
    { to: '/account', label: t('nav.account') },
  ];
  return (
    <Layout
      productName={t('common:product.console')}
      nav={nav}
      user={username}
      onSignOut={() => {
        void onSignOut('signedOut');
      }}
      banners={
        <>
          <OrganizationBanner />
          <AgreementBanner />
        </>
      }
    >
      <Routes>
        <Route index element={<OverviewPage />} />
        <Route path="certification" element={<CertificationPage />} />
        <Route path="agreement" element={<AgreementPage />} />
        <Route path="apps" element={<AppsPage />} />
        <Route path="apps/:appId" element={<AppDetailPage />} />
        <Route
          path="apps/:appId/webhooks"
          element={
            <Suspense fallback={<Loading />}>
              <WebhooksPage />
            </Suspense>
          }
        />
        <Route
          path="apps/:appId/webhooks/:eventId"
          element={
            <Suspense fallback={<Loading />}>
              <WebhookEventPage />
            </Suspense>
          }
        />
        <Route path="wallet" element={<WalletPage />} />
        <Route path="usage" element={<UsagePage />} />
        <Route path="notices" element={<NoticesPage />} />
        <Route path="privacy" element={<PrivacyPage />} />
        <Route path="complaints" element={<ComplaintsPage />} />
        <Route path="account" element={<AccountPage />} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Layout>
  );
}

/** Across the app: a suspended, terminated or frozen organisation. */
function OrganizationBanner() {
  const { t } = useTranslation('customer');
  const { data } = useApi<Organization>('/console/api/organization');
  if (!data) return null;
  if (data.status !== 'active') {
    return (
      <Banner kind="error" title={t(`orgStatus.${data.status}`)}>
        {t('orgStatus.text')}
      </Banner>
    );
  }
  if (data.frozen_at) {
    return (
      <Banner kind="error" title={t('orgStatus.frozen')}>
        {t('orgStatus.frozenText')}
      </Banner>
    );
  }
  return null;
}

/**
 * Across the app: the agreement in force not yet accepted (live keys are refused; stronger when the organisation
 * existed before that version took effect, i.e. it let the date pass), else the next upcoming version not yet
 * accepted, until it is.
 */
function AgreementBanner() {
  const { t, i18n } = useTranslation('customer');
  const location = useLocation();
  const { data, reload } = useApi<AgreementState>('/console/api/agreement');
  const org = useApi<Organization>('/console/api/organization');
  useEffect(() => {
    window.addEventListener('visage:agreement', reload);
    return () => window.removeEventListener('visage:agreement', reload);
  }, [reload]);
  const next = data?.upcoming.find((v) => !v.accepted);
  // When the next version takes effect while the page is open, fetch again so that the banner says what now holds.
  const nextAt = next ? Date.parse(next.effective_at) : undefined;
  useEffect(() => {
    if (nextAt === undefined) return;
    const wait = nextAt - Date.now() + 1000;
    if (wait > 86_400_000) return;
    const timer = setTimeout(reload, Math.max(wait, 0));
    return () => clearTimeout(timer);
  }, [nextAt, reload]);
  if (!data || (org.loading && !org.data) || location.pathname === '/agreement') return null;
  const readAndAccept = <Link to="/agreement">{t('agreement.readAndAccept')}</Link>;
  if (data.current && !data.accepted_current) {
    const version = data.current.version;
    if (org.data && org.data.created_at < data.current.effective_at) {
      const date = formatDateTime(data.current.effective_at, i18n.language);
      return (
        <Banner kind="error" title={t('agreement.bannerStopped', { version, date })}>
          {t('agreement.bannerStoppedText')} {readAndAccept}
        </Banner>
      );
    }
    return (
      <Banner kind="warning" title={t('agreement.bannerCurrent', { version })}>
        {readAndAccept}
      </Banner>
    );
  }
  if (next) {
    const date = formatDateTime(next.effective_at, i18n.language);
    return (
      <Banner kind="warning" title={t('agreement.bannerUpcoming', { version: next.version, date })}>
        {readAndAccept}
      </Banner>
    );
  }
  return null;
}

function NotFound() {
  const { t } = useTranslation('customer');
  return (
    <>
      <h1>{t('notFound.title')}</h1>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </>
  );
}
