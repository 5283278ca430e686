import { FormatRegistry } from '@sinclair/typebox';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../../lib/adapters/http/openapi';
import type { Route } from '../../../lib/adapters/http/route';
import { routes } from '../../../lib/adapters/http/routes';

/*
 * The generated OpenAPI document as the API tests read it: what it lists for each route and
 * status, and its schemas compiled by a validator of its own (ajv, draft 2020-12), not by the
 * TypeBox checks the bridge runs.
 */

export type Json = Record<string, any>;

export const doc = openApiDocument(routes) as Json;

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
// The bridge's own formats (local date-times, IANA zones), as its checks define them; the standard ones are ajv-formats'.
for (const [name, check] of FormatRegistry.Entries()) if (!(name in ajv.formats)) ajv.addFormat(name, { type: 'string', validate: check });
// OpenAPI's `x-` extensions say things for people; they check nothing.
for (const keyword of new Set(JSON.stringify(doc).match(/"x-[a-z-]+"(?=:)/g)?.map((k) => JSON.parse(k) as string))) ajv.addKeyword(keyword);
// Each schema is compiled with the document's components beside it, so its `#/components/schemas/…` references resolve.
ajv.addKeyword('components');
const validators = new Map<string, ValidateFunction>();

function validatorFor(schema: Json): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ $id: `https://contract.test/schemas/${validators.size}`, ...schema, components: { schemas: doc.components.schemas } });
    validators.set(key, validate);
  }
  return validate;
}

/** What is wrong with `value` by the schema, in words; undefined when the schema takes it. */
export function schemaErrors(schema: Json, value: unknown): string | undefined {
  const validate = validatorFor(schema);
  return validate(value) ? undefined : ajv.errorsText(validate.errors);
}

/** The document's response object for a route's status (a shared one followed), or undefined when it lists none. */
export function documented(route: Route, status: number): Json | undefined {
  const response = doc.paths[route.path]?.[route.method.toLowerCase()]?.responses?.[status];
  return response?.$ref ? doc.components.responses[String(response.$ref).split('/').pop() as string] : response;
}

/** Every status the document lists for the route: its success and its errors. */
export function documentedStatuses(route: Route): number[] {
  return Object.keys(doc.paths[route.path][route.method.toLowerCase()].responses as Json).map(Number);
}
