// The error codes of the API's contract, written once: the API gives them (api/src/platform/errors.ts)
// and the clients read them (errors.ts). Types only, no imports: the API's build erases this import,
// so nothing of chat-client runs on the server (.dependency-cruiser.cjs allows the API this file alone).

/** The error codes every client can rely on, in `extensions.code` (README, GraphQL limits and error codes). */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION'
  | 'RATE_LIMITED'
  | 'CONFLICT'
  | 'CHANNEL_OFFLINE'
  /** A feature needs server configuration that is missing (e.g. SMTP_URL for mail). */
  | 'NOT_CONFIGURED'
  /** An outside service (the mail server) refused or could not be reached; retrying later may work. */
  | 'DELIVERY_FAILED'
  /** A signed-identity check failed: a wrong signature, or an unsigned claim to a verified email (`extensions.reason`). */
  | 'IDENTITY_NOT_VERIFIED'
  /** A cap that is not a rate was reached (e.g. operations running on one WebSocket; `extensions.limit` names its variable). */
  | 'LIMIT_EXCEEDED'
  /** A request a browser sends without a CORS preflight (GET, multipart, form) lacked the CSRF header (api/src/server/http/cross-site-requests.ts). */
  | 'CSRF_HEADER_REQUIRED'
  /** The instance is draining for shutdown (SIGTERM): retry on another instance. */
  | 'SHUTTING_DOWN'
  /** Past a GraphQL limit (api/src/graphql/limits.ts): the request is refused before it runs. */
  | 'QUERY_TOO_DEEP'
  | 'TOO_MANY_ALIASES'
  | 'TOO_MANY_DIRECTIVES'
  | 'TOO_MANY_TOKENS'
  | 'QUERY_TOO_COMPLEX'
  /** Codes of GraphQL and graphql-yoga themselves, which every error without one of ours gets. */
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'BAD_USER_INPUT'
  | 'BAD_REQUEST'
  | 'REQUEST_ENTITY_TOO_LARGE'
  | 'OPERATION_RESOLUTION_FAILURE'
  | 'INTERNAL_SERVER_ERROR';
