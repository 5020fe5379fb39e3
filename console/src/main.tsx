import { render } from 'solid-js/web';
import { App } from './App';
import { createConsoleRuntime } from './console-runtime';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('Missing #root element');

// BASE_URL is `/console/`; the router wants it without the trailing slash.
const base = import.meta.env.BASE_URL.replace(/\/$/, '');

render(() => <App runtime={createConsoleRuntime()} base={base} />, root);
