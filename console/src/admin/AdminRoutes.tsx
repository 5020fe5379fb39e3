import { Navigate, Route } from '@solidjs/router';
import { lazy } from 'solid-js';

// Loaded on first visit: agents who never open the admin area never download it.
const AdminArea = lazy(() => import('./AdminArea').then((m) => ({ default: m.AdminArea })));
const ChannelsListPage = lazy(() => import('./channels/ChannelsListPage').then((m) => ({ default: m.ChannelsListPage })));
const NewChannelPage = lazy(() => import('./channels/ChannelEditorPage').then((m) => ({ default: m.NewChannelPage })));
const ChannelEditorPage = lazy(() => import('./channels/ChannelEditorPage').then((m) => ({ default: m.ChannelEditorPage })));
const AgentsAdminPage = lazy(() => import('./agents/AgentsAdminPage').then((m) => ({ default: m.AgentsAdminPage })));
const TemplatesAdminPage = lazy(() => import('./knowledge/TemplatesAdminPage').then((m) => ({ default: m.TemplatesAdminPage })));
const FaqAdminPage = lazy(() => import('./knowledge/FaqAdminPage').then((m) => ({ default: m.FaqAdminPage })));
const ApiTokensAdminPage = lazy(() => import('./tokens/ApiTokensAdminPage').then((m) => ({ default: m.ApiTokensAdminPage })));

/** The /admin routes, nested in the signed-in shell. */
export function AdminRoutes() {
  return (
    <Route path="/admin" component={AdminArea}>
      <Route path="/" component={() => <Navigate href="/admin/channels" />} />
      <Route path="/channels" component={ChannelsListPage} />
      <Route path="/channels/new" component={NewChannelPage} />
      <Route path="/channels/:id" component={ChannelEditorPage} />
      <Route path="/agents" component={AgentsAdminPage} />
      <Route path="/templates" component={TemplatesAdminPage} />
      <Route path="/faq" component={FaqAdminPage} />
      <Route path="/api-tokens" component={ApiTokensAdminPage} />
    </Route>
  );
}
