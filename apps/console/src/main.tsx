import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import './i18n';
import './styles.css';
import { CustomerApp } from './customer/CustomerApp';
import { Loading } from './ui';

/** The operator console is a separate chunk, loaded only under /admin. */
const AdminApp = lazy(() => import('./admin/AdminApp'));

/** Which console this page is: /admin… → the operator's, anything else → the customer's. */
const side =
  window.location.pathname === '/admin' || window.location.pathname.startsWith('/admin/') ? 'admin' : 'console';

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    {/* Routes inside each side are relative to its base: '/apps' is /console/apps, '/customers' is /admin/customers. */}
    <BrowserRouter basename={side === 'admin' ? '/admin' : '/console'}>
      {side === 'admin' ? (
        <Suspense fallback={<Loading />}>
          <AdminApp />
        </Suspense>
      ) : (
        <CustomerApp />
      )}
    </BrowserRouter>
  </StrictMode>,
);
