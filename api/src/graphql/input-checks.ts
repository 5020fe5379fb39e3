import {
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  BREAK,
  TypeInfo,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { AppError, quoted, validation } from '../platform/errors';
import { isUuid } from '../platform/ids';

// `String.prototype.isWellFormed` is in Node 20 but not yet in TypeScript's ES2023 lib.
const isWellFormed = (value: string) => (value as string & { isWellFormed(): boolean }).isWellFormed() && !value.includes('\0');

const BAD_STRING = 'must not contain NUL characters or unpaired UTF-16 surrogates';
const BAD_ID = 'is not a valid id';
const noSuchId = (field: string, value: string) => new AppError('NOT_FOUND', `${field}: ${quoted(value)} was not found.`);

/**
 * An id argument names what the operation is about: a malformed one reads like any id that names
 * nothing (NOT_FOUND). An id inside an input object is a reference the input makes: VALIDATION
 * naming the field, as a reference to nothing is.
 */
function checkScalar(typeName: string, value: unknown, field: string, inInputObject: boolean): AppError | null {
  if (typeName === 'ID' && (typeof value === 'string' || typeof value === 'number') && !isUuid(String(value)))
    return inInputObject ? validation(field, BAD_ID) : noSuchId(field, String(value));
  if (typeof value === 'string') return isWellFormed(value) ? null : validation(field, BAD_STRING);
  if (typeName === 'JSON' && value !== null && typeof value === 'object') return checkJson(value, field);
  return null;
}

/** Every key and string inside a JSON value; a loop, not recursion, so any nesting is safe. */
function checkJson(value: object, field: string): AppError | null {
  const stack: unknown[] = [value];
  while (stack.length) {
    const item = stack.pop();
    if (typeof item === 'string' && !isWellFormed(item)) return validation(field, BAD_STRING);
    if (item !== null && typeof item === 'object')
      for (const [key, child] of Object.entries(item)) {
        if (!isWellFormed(key)) return validation(field, BAD_STRING);
        stack.push(child);
      }
  }
  return null;
}

/** A variable's value, walked along its declared type; what does not fit the type is left to GraphQL's own coercion. */
function checkVariable(value: unknown, type: GraphQLInputType, name: string): AppError | null {
  const stack: { value: unknown; type: GraphQLInputType; field: string; nested: boolean }[] = [{ value, type, field: name, nested: false }];
  // Fields are named as the services name them: `filter.contactId`, and `contactId` inside `input`.
  const child = (parent: string, key: string) => (parent === 'input' ? key : `${parent}.${key}`);
  while (stack.length) {
    const { value, type, field, nested } = stack.pop()!;
    if (value === null || value === undefined) continue;
    if (isNonNullType(type)) stack.push({ value, type: type.ofType, field, nested });
    else if (isListType(type)) for (const item of Array.isArray(value) ? value : [value]) stack.push({ value: item, type: type.ofType, field, nested });
    else if (isInputObjectType(type)) {
      if (typeof value !== 'object') continue;
      for (const [key, def] of Object.entries(type.getFields()))
        if (Object.hasOwn(value, key)) stack.push({ value: (value as Record<string, unknown>)[key], type: def.type, field: child(field, key), nested: true });
    } else if (!isEnumType(type)) {
      const error = checkScalar(type.name, value, field, nested);
      if (error) return error;
    }
  }
  return null;
}

/** What one document needs checked per request: its variables, in document order, and the first of its literals that fails. */
type Step = { variable: string; type: GraphQLInputType | undefined } | { literal: () => AppError | null };
interface Plan {
  schema: GraphQLSchema;
  steps: Step[];
}

// yoga's parser cache hands every request with the same query text the same document, so the
// walk over it (a TypeInfo visit, the biggest part of this check) runs once per document.
const plans = new WeakMap<DocumentNode, Plan>();

function planFor(schema: GraphQLSchema, document: DocumentNode): Plan {
  const cached = plans.get(document);
  if (cached?.schema === schema) return cached;
  const typeInfo = new TypeInfo(schema);
  const names: string[] = [];
  let objectFields = 0;
  const steps: Step[] = [];
  const at = () => (names[0] === 'input' ? names.slice(1) : names).join('.') || 'query';
  // Literals are the same on every request: only the first failing one (and what comes before it) matters.
  const literal = (typeName: string, value: string) => {
    const field = at();
    const nested = objectFields > 0;
    if (!checkScalar(typeName, value, field, nested)) return undefined;
    steps.push({ literal: () => checkScalar(typeName, value, field, nested) });
    return BREAK;
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument: { enter: (node) => void names.push(node.name.value), leave: () => void names.pop() },
      ObjectField: {
        enter: (node) => {
          names.push(node.name.value);
          objectFields += 1;
        },
        leave: () => {
          names.pop();
          objectFields -= 1;
        },
      },
      VariableDefinition(node) {
        steps.push({ variable: node.variable.name.value, type: typeFromAST(schema, node.type) as GraphQLInputType | undefined });
      },
      StringValue(node) {
        const type = typeInfo.getInputType();
        return literal(type ? getNamedType(type).name : 'String', node.value);
      },
      IntValue(node) {
        const type = typeInfo.getInputType();
        return type && getNamedType(type).name === 'ID' ? literal('ID', node.value) : undefined;
      },
    }),
  );
  const plan = { schema, steps };
  plans.set(document, plan);
  return plan;
}

/**
 * The one check for hostile strings and malformed ids, before any resolver runs, for HTTP and
 * WebSocket alike: every string (inline or in variables) must be well-formed UTF-16 without NUL
 * (PostgreSQL refuses both; VALIDATION naming the argument or input field), and every ID must be
 * a UUID, as all our ids are (see checkScalar for the answer otherwise).
 */
export function findHostileInput(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined): AppError | null {
  for (const step of planFor(schema, document).steps) {
    if ('literal' in step) return step.literal();
    const value = variables?.[step.variable];
    const found = step.type && value !== undefined ? checkVariable(value, step.type, step.variable) : null;
    if (found) return found;
  }
  return null;
}
