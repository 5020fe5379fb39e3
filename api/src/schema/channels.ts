import { builder } from '../builder';

builder.prismaObject('Channel', {
  description: 'A chat topic such as "Technical support" or "Sales", with its own agents, widget and forms.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier; the widget embed names it in `data-channel`.' }),
    name: t.exposeString('name', { description: 'Unique name.' }),
    language: t.exposeString('language', { description: 'Language of the widget strings, e.g. "en".' }),
    badgeHeader: t.exposeString('badgeHeader', { description: 'Text on the widget launcher badge.' }),
    description: t.exposeString('description', { description: 'What the channel is for.' }),
    timeZone: t.exposeString('timeZone', { description: 'IANA time zone of the opening hours.' }),
    openingHoursEnabled: t.exposeBoolean('openingHoursEnabled', { description: 'False means always open.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the channel was created.' }),
  }),
});

builder.queryFields((t) => ({
  channels: t.prismaField({
    type: ['Channel'],
    description: 'Admins see every channel; agents see the channels they are members of.',
    authScopes: { agent: true },
    resolve: (query, _root, _args, ctx) => {
      const agent = ctx.principal?.kind === 'agent' ? ctx.principal.agent : null;
      return ctx.prisma.channel.findMany({
        ...query,
        where: agent?.role === 'ADMIN' ? {} : { members: { some: { agentId: agent?.id } } },
        orderBy: { name: 'asc' },
      });
    },
  }),
}));
