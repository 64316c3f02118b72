// main.ts: the renderer's entry: Pinia, the router and the app shell. Pages load lazily (router.ts).
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router';
import { adoptUrlToken } from './api/client';
import './styles.css';

adoptUrlToken();
createApp(App).use(createPinia()).use(router).mount('#app');
