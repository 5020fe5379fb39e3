import type { Client } from '@urql/core';
import { Provider } from '@urql/solid';
import { Route, Router } from '@solidjs/router';
import { AppShell } from './AppShell';
import { ChatsPage } from './pages/ChatsPage';
import { DashboardPage } from './pages/DashboardPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';

export interface AppProps {
  client: Client;
  /** Path prefix the console is served under, without trailing slash (e.g. `/console`). */
  base?: string;
}

export function App(props: AppProps) {
  return (
    <Provider value={props.client}>
      <Router base={props.base} root={AppShell}>
        <Route path="/" component={LoginPage} />
        <Route path="/dashboard" component={DashboardPage} />
        <Route path="/chats" component={ChatsPage} />
        <Route path="*" component={NotFoundPage} />
      </Router>
    </Provider>
  );
}
