import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useLocation } from 'react-router';
import { languages, setLanguage, type Language } from '../i18n';

export interface NavItem {
  /** Path inside the side's router (e.g. '/apps'). */
  readonly to: string;
  readonly label: string;
  /** A count shown next to the label (unread notices); 0 hides it. */
  readonly badge?: number;
  /** Accessible description of the badge ("3 unread"). */
  readonly badgeLabel?: string;
  /** Match the path exactly (for '/'). */
  readonly end?: boolean;
}

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className="lang-switch">
      <label htmlFor={id} className="sr-only">
        {t('layout.language')}
      </label>
      <select
        id={id}
        className="input input-compact"
        value={i18n.language}
        onChange={(event) => setLanguage(event.target.value as Language)}
      >
        {languages.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`layout.languages.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * The page frame both consoles share: header (product name, language switch, the user and sign out), navigation
 * (a menu button below 768px), and the main landmark. Without `nav` (signed-out pages) only the header shows.
 */
export function Layout({
  productName,
  nav,
  user,
  onSignOut,
  banners,
  children,
}: {
  readonly productName: string;
  readonly nav?: readonly NavItem[];
  /** The signed-in user's display name; absent when signed out. */
  readonly user?: string;
  readonly onSignOut?: () => void;
  /** Shown above the page content on every page (e.g. the agreement banner). */
  readonly banners?: ReactNode;
  readonly children: ReactNode;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const navId = useId();
  const firstPath = useRef(location.pathname);
  useEffect(() => {
    setOpen(false);
    // After moving to another page, put the focus at the start of its content (not on the first load).
    if (location.pathname !== firstPath.current) {
      firstPath.current = '';
      document.getElementById('main')?.focus({ preventScroll: true });
    }
  }, [location.pathname]);
  return (
    <div className={`app${nav ? ' app-with-nav' : ''}`}>
      <a className="skip-link" href="#main">
        {t('layout.skip')}
      </a>
      <header className="app-header">
        <div className="app-header-start">
          {nav ? (
            <button
              type="button"
              className="btn btn-secondary menu-button"
              aria-expanded={open}
              aria-controls={navId}
              onClick={() => setOpen((o) => !o)}
            >
              {t('layout.menu')}
            </button>
          ) : null}
          <span className="product">{productName}</span>
        </div>
        <div className="app-header-end">
          <LanguageSwitch />
          {user ? (
            <div className="user-menu">
              <span className="user-name" title={user}>
                {user}
              </span>
              {onSignOut ? (
                <button type="button" className="btn btn-secondary btn-small" onClick={onSignOut}>
                  {t('layout.signOut')}
                </button>
              ) : null}
            </div>
          ) : null}
        </div>
      </header>
      <div className="app-body">
        {nav ? (
          <nav id={navId} className={`app-nav${open ? ' open' : ''}`} aria-label={t('layout.navigation')}>
            <ul>
              {nav.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end ?? false}>
                    <span>{item.label}</span>
                    {item.badge ? (
                      <>
                        <span className="badge" aria-hidden="true">
                          {item.badge}
                        </span>
                        <span className="sr-only">{item.badgeLabel ?? String(item.badge)}</span>
                      </>
                    ) : null}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <main id="main" className="app-main" tabIndex={-1}>
          {banners}
          {children}
        </main>
      </div>
    </div>
  );
}
