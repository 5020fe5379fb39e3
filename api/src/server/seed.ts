import type { AppServices } from '../app-services';
import { generatePassword } from '../platform/passwords';

export interface SeedOptions {
  engine: 'pglite' | 'postgresql';
  adminEmail?: string;
  adminPassword?: string;
  /** Demo channels, templates and FAQ on an empty embedded database. */
  demoContent: boolean;
  log: (line: string) => void;
  /** Where the generated admin password is shown, once; main writes it to stderr, outside the JSON logs. Default: `log`. */
  showGeneratedPassword?: (text: string) => void;
}

/**
 * First start only (no agent exists yet): creates the first admin, from ADMIN_EMAIL/ADMIN_PASSWORD
 * when given, otherwise with a generated password printed once (embedded engine only). On the
 * embedded engine it also adds demo content so a newcomer has something to chat in.
 */
export async function seedOnFirstStart(services: AppServices, options: SeedOptions): Promise<void> {
  const { prisma } = services;
  if ((await prisma.agent.count()) > 0) return;

  let password = options.adminPassword;
  const email = options.adminEmail ?? 'admin@example.com';
  if (!password) {
    if (options.engine === 'postgresql') {
      options.log('No agent exists yet. Set ADMIN_EMAIL and ADMIN_PASSWORD and restart to create the first admin.');
      return;
    }
    password = generatePassword();
  }
  const admin = await services.agents.create({ email, password, name: 'Admin', nickname: 'Admin', role: 'ADMIN' });
  if (!options.adminPassword) {
    (options.showGeneratedPassword ?? options.log)(
      [
        '',
        '  First start: created the admin account. This password is shown once; change it after logging in.',
        `    email:    ${email}`,
        `    password: ${password}`,
        '',
      ].join('\n'),
    );
  } else {
    options.log(`Created the first admin ${email} from ADMIN_EMAIL/ADMIN_PASSWORD.`);
  }

  if (!options.demoContent || options.engine !== 'pglite') return;

  const faqFolder = await prisma.faqFolder.create({ data: { name: 'Getting started' } });
  await prisma.faqEntry.createMany({
    data: [
      {
        folderId: faqFolder.id,
        published: true,
        question: 'How do I reset my password?',
        answer: 'Open Settings → Account → Reset password, and follow the link we email you.',
      },
      {
        folderId: faqFolder.id,
        published: true,
        question: 'Which payment methods do you accept?',
        answer: 'We accept card payments, invoices for annual plans, and bank transfer in the EU.',
      },
      {
        folderId: faqFolder.id,
        published: true,
        question: 'How do I export my data?',
        answer: 'Admins can export everything as CSV under Settings → Data export.',
      },
      { folderId: faqFolder.id, published: false, question: 'Draft: upcoming pricing changes', answer: 'Not published yet.' },
    ],
  });

  const allFlags = { canRespond: true, getsNotifications: true, canListenIn: true, isManager: true };
  await prisma.channel.create({
    data: {
      name: 'Technical support',
      description: 'Help with using the product.',
      badgeHeader: 'Need help? Chat with support',
      widgetHeader: 'Technical support',
      faqSuggestionsEnabled: true,
      faqFolderId: faqFolder.id,
      members: { create: { agentId: admin.id, ...allFlags } },
    },
  });
  await prisma.channel.create({
    data: {
      name: 'Sales',
      description: 'Questions before you buy.',
      badgeHeader: 'Questions? Talk to sales',
      widgetHeader: 'Sales',
      widgetColor: '#059669',
      prechatRequiredFields: ['NAME', 'EMAIL', 'COMPANY'],
      members: { create: { agentId: admin.id, ...allFlags } },
    },
  });

  const folder = await prisma.replyTemplateFolder.create({ data: { name: 'Greetings' } });
  await prisma.replyTemplate.createMany({
    data: [
      { folderId: folder.id, name: 'Hello', body: 'Hi {{visitor.name}}, this is {{agent.nickname}}. How can I help you today?' },
      { folderId: folder.id, name: 'One moment', body: 'Thanks, {{visitor.name}}. Give me a moment to look into this.' },
      { folderId: folder.id, name: 'Goodbye', body: 'Thanks for chatting with {{channel.name}}. Have a great day!' },
    ],
  });
  options.log('Added demo content: channels "Technical support" and "Sales", reply templates and FAQ entries.');
}
