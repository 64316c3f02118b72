// router.ts: the renderer's routes. Every page is its own lazy chunk, so the first load carries only the
// shell; `meta.kiosk` hides the chrome for the wall display.
import { createRouter, createWebHistory } from 'vue-router';

/** router maps URLs to pages; history mode, since the web app answers unknown paths with index.html. */
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'fleet', component: () => import('./pages/FleetPage.vue'), meta: { title: 'Fleet' } },
    {
      path: '/hosts/:instance',
      name: 'host',
      component: () => import('./pages/HostPage.vue'),
      props: true,
      meta: { title: 'Host' },
    },
    {
      path: '/dashboards',
      name: 'dashboards',
      component: () => import('./pages/DashboardsPage.vue'),
      meta: { title: 'Dashboards' },
    },
    {
      path: '/dashboards/:id',
      name: 'dashboard',
      component: () => import('./pages/DashboardPage.vue'),
      props: true,
      meta: { title: 'Dashboard' },
    },
    {
      path: '/explore',
      name: 'explore',
      component: () => import('./pages/ExplorePage.vue'),
      meta: { title: 'Explore' },
    },
    {
      path: '/alerts',
      name: 'alerts',
      component: () => import('./pages/AlertsPage.vue'),
      meta: { title: 'Alerts' },
    },
    {
      path: '/checks',
      name: 'checks',
      component: () => import('./pages/ChecksPage.vue'),
      meta: { title: 'Checks' },
    },
    {
      path: '/rules',
      name: 'rules',
      component: () => import('./pages/RulesPage.vue'),
      meta: { title: 'Rules' },
    },
    {
      path: '/login',
      name: 'login',
      component: () => import('./pages/LoginPage.vue'),
      meta: { title: 'Log in' },
    },
    {
      path: '/agents',
      name: 'agents',
      component: () => import('./pages/AgentsPage.vue'),
      meta: { title: 'Agents' },
    },
    {
      path: '/settings',
      name: 'settings',
      component: () => import('./pages/SettingsPage.vue'),
      meta: { title: 'Settings' },
    },
    {
      path: '/kiosk',
      name: 'kiosk',
      component: () => import('./pages/KioskPage.vue'),
      meta: { title: 'Kiosk', kiosk: true },
    },
    {
      path: '/:rest(.*)*',
      name: 'not-found',
      component: () => import('./pages/NotFoundPage.vue'),
      meta: { title: 'Not found' },
    },
  ],
});

router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? '')} · Vigie`;
});
