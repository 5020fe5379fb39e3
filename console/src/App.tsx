import { Provider } from '@urql/solid';
import { Navigate, Route, Router } from '@solidjs/router';
import { AdminRoutes } from './admin/AdminRoutes';
import { AppShell } from './AppShell';
import { ChatsPage } from './chats/ChatsPage';
import { DashboardPage } from './dashboard/DashboardPage';
import { LoginPage } from './auth/LoginPage';
import { NotFoundPage } from './shell/NotFoundPage';
import type { ConsoleRuntime } from './console-runtime';
import { RuntimeProvider } from './runtime';

interface AppProps {
  runtime: ConsoleRuntime;
  /** Path prefix the console is served under, without trailing slash (e.g. `/console`). */
  base?: string;
}

export function App(props: AppProps) {
  return (
    <RuntimeProvider runtime={props.runtime}>
      <Provider value={props.runtime.client}>
        <Router base={props.base}>
          <Route path="/login" component={LoginPage} />
          <Route path="/" component={AppShell}>
            <Route path="/" component={() => <Navigate href="/dashboard" />} />
            <Route path="/dashboard" component={DashboardPage} />
            <Route path="/chats/:sessionId?" component={ChatsPage} />
            <AdminRoutes />
            <Route path="*404" component={NotFoundPage} />
          </Route>
        </Router>
      </Provider>
    </RuntimeProvider>
  );
}
