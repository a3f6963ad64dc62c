import './i18n';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { matchPath, Navigate, Route, Routes, useLocation, useSearchParams } from 'react-router';
import { Layout, Loading, type NavItem } from '../ui';
import './admin.css';
import { AgreementsPage } from './pages/AgreementsPage';
import { AnnouncementsPage } from './pages/AnnouncementsPage';
import { AuditPage } from './pages/AuditPage';
import { CertificationDetailPage, CertificationsPage } from './pages/CertificationsPage';
import { ComplaintsPage } from './pages/ComplaintsPage';
import { CustomerDetailPage, CustomersPage } from './pages/CustomersPage';
import { DashboardPage } from './pages/DashboardPage';
import { BonusPage, LedgerPage, TopupsPage } from './pages/FinancePages';
import { IndustriesPage } from './pages/IndustriesPage';
import { MailOutboxPage } from './pages/MailOutboxPage';
import { OperatorsPage } from './pages/OperatorsPage';
import { PricesPage } from './pages/PricesPage';
import { SanctionsPage } from './pages/SanctionsPage';
import { SignInPage } from './pages/SignInPage';
import { AdminSessionProvider, useAdminSession, type Permission } from './session';
import { Need } from './ui';

/**
 * The operator console, mounted under /admin (main.tsx loads this chunk lazily, inside a BrowserRouter with basename
 * '/admin'). Each page names the permission it needs: the navigation lists only what the role may use, and a page
 * opened directly without it says so (the API refuses it anyway).
 */
export default function AdminApp() {
  return (
    <AdminSessionProvider>
      <Routes>
        <Route path="/sign-in" element={<SignInRoute />} />
        <Route path="/*" element={<SignedIn />} />
      </Routes>
    </AdminSessionProvider>
  );
}

interface Page {
  readonly path: string;
  readonly permission: Permission;
  readonly element: ReactNode;
  /** The nav label key; pages without one (detail pages) are not listed. */
  readonly nav?: string;
}

/** Every page: the nav follows this order. */
const pages: readonly Page[] = [
  { path: '/dashboard', permission: 'dashboard.read', element: <DashboardPage />, nav: 'nav.dashboard' },
  {
    path: '/certifications',
    permission: 'certification.review',
    element: <CertificationsPage />,
    nav: 'nav.certifications',
  },
  { path: '/certifications/:id', permission: 'certification.review', element: <CertificationDetailPage /> },
  { path: '/sanctions', permission: 'sanctions.manage', element: <SanctionsPage />, nav: 'nav.sanctions' },
  { path: '/industries', permission: 'certification.review', element: <IndustriesPage />, nav: 'nav.industries' },
  { path: '/customers', permission: 'customers.read', element: <CustomersPage />, nav: 'nav.customers' },
  { path: '/customers/:id', permission: 'customers.read', element: <CustomerDetailPage /> },
  { path: '/finance/topups', permission: 'finance.topups', element: <TopupsPage />, nav: 'nav.topups' },
  { path: '/finance/bonus', permission: 'finance.bonus', element: <BonusPage />, nav: 'nav.bonus' },
  { path: '/finance/ledger', permission: 'finance.ledger', element: <LedgerPage />, nav: 'nav.ledger' },
  { path: '/finance/prices', permission: 'prices.manage', element: <PricesPage />, nav: 'nav.prices' },
  { path: '/agreements', permission: 'agreements.manage', element: <AgreementsPage />, nav: 'nav.agreements' },
  {
    path: '/announcements',
    permission: 'announcements.send',
    element: <AnnouncementsPage />,
    nav: 'nav.announcements',
  },
  { path: '/complaints', permission: 'complaints.handle', element: <ComplaintsPage />, nav: 'nav.complaints' },
  { path: '/audit', permission: 'audit.read', element: <AuditPage />, nav: 'nav.audit' },
  { path: '/mail', permission: 'mail.read', element: <MailOutboxPage />, nav: 'nav.mail' },
  { path: '/operators', permission: 'operators.manage', element: <OperatorsPage />, nav: 'nav.operators' },
];

/** The browser tab names the page: "<page> · <console>". */
function usePageTitle(pathname: string) {
  const { t } = useTranslation('admin');
  const page = pages.find((p) => matchPath(p.path, pathname));
  const parent = page?.nav ? page : pages.find((p) => p.nav && page && page.path.startsWith(`${p.path}/`));
  const product = t('product.admin', { ns: 'common' });
  const title =
    pathname === '/sign-in'
      ? `${t('signIn.title')} · ${product}`
      : parent?.nav
        ? `${t(parent.nav)} · ${product}`
        : product;
  useEffect(() => {
    document.title = title;
  }, [title]);
}

function SignInRoute() {
  const { t } = useTranslation('admin');
  usePageTitle('/sign-in');
  const { session } = useAdminSession();
  const [params] = useSearchParams();
  if (session) {
    // Signed in (just now, or already): on to the page that sent here, if it is one of ours.
    const next = params.get('next');
    return <Navigate to={next && next.startsWith('/') && !next.startsWith('//') ? next : '/'} replace />;
  }
  return (
    <Layout productName={t('product.admin', { ns: 'common' })}>
      {session === undefined ? <Loading /> : <SignInPage />}
    </Layout>
  );
}

function SignedIn() {
  const { t } = useTranslation('admin');
  const { session, signOut, can } = useAdminSession();
  const location = useLocation();
  usePageTitle(location.pathname);
  if (session === undefined) {
    return (
      <Layout productName={t('product.admin', { ns: 'common' })}>
        <Loading />
      </Layout>
    );
  }
  if (session === null) {
    const next = location.pathname + location.search;
    return <Navigate to={`/sign-in${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  const allowed = pages.filter((p) => p.nav && can(p.permission));
  const nav: NavItem[] = allowed.map((p) => ({ to: p.path, label: t(p.nav ?? '') }));
  const home = allowed[0]?.path;
  return (
    <Layout
      productName={t('product.admin', { ns: 'common' })}
      nav={nav}
      user={`${session.user.username} · ${t(`roles.${session.user.role}`)}`}
      onSignOut={() => void signOut()}
    >
      <Routes>
        <Route path="/" element={home ? <Navigate to={home} replace /> : <NoPages />} />
        {pages.map((p) => (
          <Route key={p.path} path={p.path} element={<Need permission={p.permission}>{p.element}</Need>} />
        ))}
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Layout>
  );
}

function NoPages() {
  const { t } = useTranslation('admin');
  return <p>{t('forbidden.noPages')}</p>;
}

function NotFound() {
  const { t } = useTranslation('admin');
  return (
    <>
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.body')}</p>
    </>
  );
}
