import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv04 from 'ajv-draft-04';
import Ajv07, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/*
 * The assistants' published schemas (test/reference, each with its licence), for checking every answer the
 * adapters give. Both are machine-made and use keywords and formats ajv does not know
 * ("nullable", "format": "double", a misspelt "type:") and escapes a
 * unicode pattern refuses (`\\_`), so strict mode and unicode patterns are off: unknown
 * keywords are ignored, as a draft-04 or draft-07 validator must.
 */

// Kept in the repository, so a clean clone (CI) tests against exactly these.
const REFERENCE = fileURLToPath(new URL('../reference', import.meta.url));
const read = (path: string): object => JSON.parse(readFileSync(join(REFERENCE, path), 'utf8')) as object;

const alexa = new Ajv04({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile(read('alexa/alexa_smart_home_message_schema.json'));

/** Sample messages from the Alexa reference folder, by their path below `sample_messages/`. */
export function alexaSample(path: string): any {
  return read(`alexa/sample_messages/${path}`);
}

/** Why a message is not one of the Alexa Smart Home messages (an empty list when it is). */
export function alexaSchemaErrors(message: unknown): string[] {
  return alexa(message) ? [] : (alexa.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).slice(0, 20);
}

const google = new Ajv07({ strict: false, allErrors: true });
addFormats(google);
const validators = new Map<string, ValidateFunction>();

function googleSchema(path: string): ValidateFunction {
  let validate = validators.get(path);
  if (!validate) {
    validate = google.compile(read(`google/${path}`));
    validators.set(path, validate);
  }
  return validate;
}

/** A request example from the Google reference folder (`execute`, `query`, `sync`, `disconnect`). */
export function googleExample(intent: 'sync' | 'query' | 'execute' | 'disconnect'): any {
  const schema = read(`google/intents/${intent}/${intent}.request.schema.json`) as { examples: unknown[] };
  const { $comment: _, ...example } = schema.examples[0] as Record<string, unknown>;
  return example;
}

/**
 * Why a value does not match a schema of the Google folder, by its path there
 * (`intents/sync/sync.response.schema.json`, `traits/onoff/onoff.states.schema.json`).
 */
export function googleSchemaErrors(path: string, value: unknown): string[] {
  const validate = googleSchema(path);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
