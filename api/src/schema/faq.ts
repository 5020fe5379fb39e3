import { builder } from '../builder';
import { MAX_FAQ_QUESTION_LENGTH, suggestFaqEntries } from '../services/faq';

builder.prismaObject('FaqFolder', {
  description: 'A folder of FAQ entries. Folders nest; a channel suggests entries from its folder and every subfolder.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    name: t.exposeString('name', { description: 'The folder name.' }),
  }),
});

builder.prismaObject('FaqEntry', {
  description: 'A knowledge-base question and answer. Only published entries are shown to visitors.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier.' }),
    question: t.exposeString('question', { description: 'The question, as a visitor would ask it.' }),
    answer: t.exposeString('answer', { description: 'The answer, as plain text.' }),
    published: t.exposeBoolean('published', { description: 'Whether visitors can see it; drafts are false.' }),
    folder: t.relation('folder', { nullable: true, description: 'The folder it is filed in, if any.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it was last changed.' }),
  }),
});

builder.queryFields((t) => ({
  faqSuggestions: t.prismaField({
    type: ['FaqEntry'],
    description:
      'Up to 3 published FAQ entries from the channel’s FAQ folder (and its subfolders) that best match a visitor’s question, best first, for the widget to show before the visitor joins the queue. Needs no credentials. Empty when the channel has FAQ suggestions off or no FAQ folder.',
    args: {
      channelId: t.arg.id({ required: true, description: 'The channel the visitor is on.' }),
      question: t.arg.string({
        required: true,
        description: `The visitor’s question, at most ${MAX_FAQ_QUESTION_LENGTH} characters. Entries matching any of its words are ranked.`,
      }),
    },
    resolve: (query, _root, { channelId, question }, ctx) => suggestFaqEntries(ctx.prisma, String(channelId), question, 3, query),
  }),
}));
