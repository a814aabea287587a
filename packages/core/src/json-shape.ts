import { z } from "zod";

/**
 * The schema of a value as it travels in JSON (tool output, `--json`): every Date field becomes
 * an ISO time string, recursively through objects, arrays, nullables and optionals. So a JSON
 * shape is derived from its domain schema instead of written out again.
 */
export function jsonShape<T extends z.ZodType>(schema: T): z.ZodType {
  return convert(schema);
}

function convert(schema: z.ZodType): z.ZodType {
  const described = (out: z.ZodType) => (schema.description ? out.describe(schema.description) : out);
  if (schema instanceof z.ZodDate) return described(z.string().describe("ISO time"));
  if (schema instanceof z.ZodNullable) return described(convert(schema.unwrap() as z.ZodType).nullable());
  if (schema instanceof z.ZodOptional) return described(convert(schema.unwrap() as z.ZodType).optional());
  if (schema instanceof z.ZodDefault) return described(convert(schema.unwrap() as z.ZodType));
  if (schema instanceof z.ZodArray) return described(z.array(convert(schema.element as z.ZodType)));
  if (schema instanceof z.ZodObject) {
    const shape = Object.fromEntries(Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, field]) => [key, convert(field)]));
    return described(z.object(shape));
  }
  return schema;
}

/** jsonShape of an object schema, as a shape (`{ key: schema }`) for MCP's outputSchema. */
export function jsonObjectShape<T extends z.ZodRawShape>(schema: z.ZodObject<T>): Record<keyof T, z.ZodType> {
  return (convert(schema) as z.ZodObject<Record<keyof T, z.ZodType>>).shape;
}
