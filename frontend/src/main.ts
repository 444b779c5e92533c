import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('Brief Studio: #app element missing from index.html');

// The service worker keeps the app shell for reloads without a connection
// (browsers only; the desktop window serves the UI from the binary).
// The Windows window is served from http://wails.localhost: the bound
// façade (window.go) tells it apart from a browser.
const inDesktop = typeof (window as { go?: unknown }).go !== 'undefined';
if (!import.meta.env.DEV && !inDesktop && 'serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
  navigator.serviceWorker.register('/sw.js').catch(() => {
    // No offline start then; everything else works.
  });
}

export default mount(App, { target });
