import { builder } from '../builder';

// Filled in by the chat-core work (issue 3).
void builder;
