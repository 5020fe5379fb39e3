import { render } from 'solid-js/web';
import { App } from './App';
import { getAuthToken } from './auth-token';
import { createGraphqlClient } from './graphql-client';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('Missing #root element');

const client = createGraphqlClient({ getToken: getAuthToken });
// BASE_URL is `/console/`; the router wants it without the trailing slash.
const base = import.meta.env.BASE_URL.replace(/\/$/, '');

render(() => <App client={client} base={base} />, root);
