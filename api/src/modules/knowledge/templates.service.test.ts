import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors';
import { checked } from '../../platform/validation';
import {
  MAX_TEMPLATE_BODY_LENGTH,
  TEMPLATE_VARIABLE_NAMES,
  assertFullyRendered,
  parseTemplateVariables,
  renderTemplateBody,
  templateBody,
  templateVariablesUsed,
  type TemplateValues,
} from './templates.service';

function validationOf(fn: () => unknown): { field: unknown; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('VALIDATION');
    return { field: (error as AppError).extensions.field, message: (error as AppError).message };
  }
  throw new Error('expected a VALIDATION error');
}

const values: TemplateValues = {
  'visitor.name': 'Ada',
  'visitor.email': 'ada@example.com',
  'agent.name': 'Grace Hopper',
  'agent.nickname': 'Grace',
  'channel.name': 'Support',
  'request.number': 'R-42',
};

describe('parseTemplateVariables', () => {
  it('lists the variables in order of first use, once each, spaces inside the braces allowed', () => {
    expect(parseTemplateVariables('Hi {{visitor.name}}, I am {{ agent.nickname }}. Bye {{visitor.name}}!')).toEqual(['visitor.name', 'agent.nickname']);
    expect(parseTemplateVariables('No variables here { } }} {single}')).toEqual([]);
  });

  it('knows exactly the six documented variables', () => {
    expect(TEMPLATE_VARIABLE_NAMES).toEqual(['visitor.name', 'visitor.email', 'agent.name', 'agent.nickname', 'channel.name', 'request.number']);
    const all = TEMPLATE_VARIABLE_NAMES.map((n) => `{{${n}}}`).join(' ');
    expect(parseTemplateVariables(all)).toEqual(TEMPLATE_VARIABLE_NAMES);
  });

  it('rejects unknown variables on body, naming every one of them and the known ones', () => {
    const error = validationOf(() => parseTemplateVariables('Hi {{visitor.phone}} and {{Visitor.Name}} and {{}} and {{visitor.phone}}'));
    expect(error.field).toBe('body');
    expect(error.message).toContain('{{visitor.phone}}, {{Visitor.Name}}, {{}}');
    expect(error.message.match(/visitor\.phone/g)).toHaveLength(1);
    expect(error.message).toContain('{{request.number}}');
    // Not a prototype lookup: inherited names are unknown too.
    expect(validationOf(() => parseTemplateVariables('{{constructor}} {{__proto__}}')).message).toContain('{{constructor}}');
  });

  it('rejects a "{{" that opens no variable', () => {
    expect(validationOf(() => parseTemplateVariables('Hi {{visitor.name')).field).toBe('body');
    expect(validationOf(() => parseTemplateVariables('Hi {{visitor.name}} {{')).message).toContain('does not form a variable');
    expect(validationOf(() => parseTemplateVariables('{{ {{visitor.name}}')).field).toBe('body');
  });
});

describe('renderTemplateBody', () => {
  it('fills every variable', () => {
    expect(
      renderTemplateBody(
        'Hi {{visitor.name}} <{{ visitor.email }}>, {{agent.nickname}} ({{agent.name}}) of {{channel.name}} here: {{request.number}}.',
        values,
      ),
    ).toEqual({ text: 'Hi Ada <ada@example.com>, Grace (Grace Hopper) of Support here: R-42.', unresolved: [] });
  });

  it('leaves a variable without a value visible, never blank, and lists it once', () => {
    const rendered = renderTemplateBody('Hi {{visitor.name}}, your request is {{request.number}} ({{ request.number }}).', {
      ...values,
      'visitor.name': '   ',
      'request.number': null,
    });
    expect(rendered.text).toBe('Hi {{visitor.name}}, your request is {{request.number}} ({{ request.number }}).');
    expect(rendered.unresolved).toEqual(['visitor.name', 'request.number']);
  });

  it('fills in one pass: a value that looks like a variable stays literal', () => {
    const rendered = renderTemplateBody('Hi {{visitor.name}}, I am {{agent.name}}', { ...values, 'visitor.name': '{{agent.name}}' });
    expect(rendered).toEqual({ text: 'Hi {{agent.name}}, I am Grace Hopper', unresolved: [] });
  });

  it('keeps braces that are not variables and the rest of the text as is', () => {
    expect(renderTemplateBody('{{{visitor.name}}} { x } }}\nline 2', values).text).toBe('{Ada} { x } }}\nline 2');
  });
});

describe('templateBody', () => {
  const cleanTemplateBody = (body: string) => checked(templateBody, body);
  it('trims, normalises line ends, strips control characters and enforces the length limit', () => {
    expect(cleanTemplateBody('  Hi\r\n{{visitor.name}}\u0007  ')).toBe('Hi\n{{visitor.name}}');
    expect(cleanTemplateBody('x'.repeat(MAX_TEMPLATE_BODY_LENGTH))).toHaveLength(MAX_TEMPLATE_BODY_LENGTH);
    expect(validationOf(() => cleanTemplateBody('x'.repeat(MAX_TEMPLATE_BODY_LENGTH + 1))).message).toContain(`at most ${MAX_TEMPLATE_BODY_LENGTH}`);
    expect(validationOf(() => cleanTemplateBody(' \n ')).message).toContain('must not be empty');
    expect(validationOf(() => cleanTemplateBody('Hi {{visitor.nmae}}')).field).toBe('body');
    expect(validationOf(() => cleanTemplateBody('Hi {{visitor.nmae}}')).message).toBe(
      `body: unknown variable {{visitor.nmae}}; use ${TEMPLATE_VARIABLE_NAMES.map((n) => `{{${n}}}`).join(', ')}`,
    );
  });
});

describe('assertFullyRendered', () => {
  it('passes a complete text and refuses one with unresolved variables, on templateId, explaining request.number', () => {
    expect(() => assertFullyRendered({ text: 'ok', unresolved: [] })).not.toThrow();
    const error = validationOf(() => assertFullyRendered({ text: '{{request.number}}', unresolved: ['request.number', 'visitor.name'] }));
    expect(error.field).toBe('templateId');
    expect(error.message).toContain('no request has been created from this chat yet');
    expect(error.message).toContain('{{visitor.name}}');
  });
});

describe('bodies stored around the API', () => {
  it('reads the known variables without throwing, and reports unknown ones as unresolved when rendering', () => {
    expect(templateVariablesUsed('Hi {{visitor.name}} {{legacy.thing}} {{visitor.name}}')).toEqual(['visitor.name']);
    const rendered = renderTemplateBody('Hi {{visitor.name}} {{ legacy.thing }}', values);
    expect(rendered).toEqual({ text: 'Hi Ada {{ legacy.thing }}', unresolved: ['legacy.thing'] });
    expect(validationOf(() => assertFullyRendered(rendered)).message).toContain('{{legacy.thing}}');
  });
});
