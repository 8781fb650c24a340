import { createRouter, createWebHashHistory } from 'vue-router'
import { auth, restoreSession } from './api.js'
import { homeFor } from './roles.js'

const AppLayout = () => import('./layouts/AppLayout.vue')

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/Login.vue'), meta: { public: true } },
  { path: '/portal', name: 'portal', component: () => import('./views/Portal.vue'), meta: { public: true } },
  { path: '/portal/published', name: 'portal-published', component: () => import('./views/Published.vue'), meta: { public: true } },
  { path: '/survey/:token', name: 'survey', component: () => import('./views/Survey.vue'), props: true, meta: { public: true } },
  { path: '/confirm/:token', name: 'confirm', component: () => import('./views/Confirm.vue'), props: true, meta: { public: true } },
  { path: '/portal/track', name: 'portal-track', component: () => import('./views/Portal.vue'), meta: { public: true, track: true } },
  // a public address that names no page stays public (a customer never meets the staff sign-in)
  { path: '/portal/:rest(.*)*', name: 'portal-missing', component: () => import('./views/PortalMissing.vue'), meta: { public: true } },
  { path: '/survey', name: 'survey-missing', component: () => import('./views/PortalMissing.vue'), meta: { public: true } },
  { path: '/confirm', name: 'confirm-missing', component: () => import('./views/PortalMissing.vue'), meta: { public: true } },
  // signed in, but nothing else is allowed until the password is changed
  { path: '/password', name: 'password', component: () => import('./views/ChangePassword.vue'), meta: { password: true } },
  {
    path: '/',
    component: AppLayout,
    children: [
      { path: '', name: 'home', redirect: () => homeFor(auth.user) },
      { path: 'workbench', name: 'workbench', component: () => import('./views/Workbench.vue'), meta: { roles: ['agent', 'supervisor', 'manager'] } },
      { path: 'complaints', name: 'complaints', component: () => import('./views/ComplaintList.vue') },
      { path: 'mine', name: 'mine', component: () => import('./views/ComplaintList.vue'), meta: { mine: true } },
      { path: 'complaints/:id', name: 'complaint', component: () => import('./views/ComplaintDetail.vue'), props: true },
      { path: 'board', name: 'board', component: () => import('./views/SupervisorBoard.vue'), meta: { roles: ['supervisor', 'manager', 'admin'] } },
      { path: 'reports', name: 'reports', component: () => import('./views/Reports.vue'), meta: { roles: ['supervisor', 'manager', 'auditor', 'admin'] } },
      { path: 'penalties', name: 'penalties', component: () => import('./views/Penalties.vue'), meta: { roles: ['supervisor', 'manager', 'auditor', 'admin'] } },
      { path: 'admin/units', name: 'admin-units', component: () => import('./views/admin/Units.vue'), meta: { roles: ['admin'] } },
      { path: 'admin/users', name: 'admin-users', component: () => import('./views/admin/Users.vue'), meta: { roles: ['admin', 'supervisor', 'manager'] } },
      { path: 'imports', name: 'imports', component: () => import('./views/LedgerImport.vue'), meta: { roles: ['admin', 'supervisor'] } },
      { path: 'admin/calendars', name: 'admin-calendars', component: () => import('./views/admin/Calendars.vue'), meta: { roles: ['admin', 'supervisor', 'manager'] } },
      { path: 'admin/config', name: 'admin-config', component: () => import('./views/admin/Config.vue') },
      { path: 'admin/tokens', name: 'admin-tokens', component: () => import('./views/admin/Tokens.vue'), meta: { roles: ['admin'] } },
      { path: 'mail', name: 'mail', component: () => import('./views/MailIntake.vue'), meta: { roles: ['agent', 'supervisor'] } },
      { path: 'admin/mailboxes', name: 'admin-mailboxes', component: () => import('./views/admin/Mailboxes.vue'), meta: { roles: ['admin'] } },
      { path: 'admin/webhooks', name: 'admin-webhooks', component: () => import('./views/admin/Webhooks.vue'), meta: { roles: ['admin'] } },
      { path: 'admin/outbox', name: 'admin-outbox', component: () => import('./views/admin/Outbox.vue'), meta: { roles: ['admin'] } },
      { path: 'audit', name: 'audit', component: () => import('./views/AuditLog.vue'), meta: { roles: ['auditor', 'admin'] } },
      { path: 'notifications', name: 'notifications', component: () => import('./views/Notifications.vue') },
      { path: 'incidents', name: 'incidents', component: () => import('./views/Incidents.vue') },
      { path: 'announcements', name: 'announcements', component: () => import('./views/Announcements.vue') },
      { path: 'admin/config/versions', name: 'admin-config-versions', component: () => import('./views/admin/ConfigVersions.vue'), meta: { roles: ['admin'] } },
      { path: 'customers', name: 'customers', component: () => import('./views/CustomerRights.vue'), meta: { pii: true } },
    ],
  },
  // the printable work order and case report: a page of its own, without the app's navigation
  { path: '/print/:id', name: 'print', component: () => import('./views/PrintOrder.vue'), props: true },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHashHistory(), routes })

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  // After a reload the page knows nobody; the cookie may still hold a session.
  if (!auth.user || !auth.csrf) await restoreSession()
  if (!auth.user) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  if (auth.user.must_change_password && !to.meta.password) return { name: 'password' }
  if (!auth.user.must_change_password && to.meta.password) return homeFor(auth.user)
  const need = to.meta.roles
  if (need && !need.some((r) => (auth.user?.roles || []).includes(r))) return homeFor(auth.user)
  if (to.meta.pii && !auth.user?.permissions?.pii) return homeFor(auth.user)
  return true
})
