import { z } from 'zod';
import { BrandSchema } from './brands.ts';
import {
  ClaimEventSchema,
  ContactEventSchema,
  InquiryEventSchema,
  OrderEventSchema,
  ReviewEventSchema,
  ShipmentEventSchema,
} from './events.ts';
import { fieldMeta, type FieldKind } from './fields.ts';

export const EVENT_STREAMS = ['orders', 'shipments', 'inquiries', 'claims', 'contacts', 'reviews'] as const;
export type EventStream = (typeof EVENT_STREAMS)[number];
export type Stream = EventStream | 'brands';
export const STREAMS: readonly Stream[] = [...EVENT_STREAMS, 'brands'];

export const streamSchemas = {
  orders: OrderEventSchema,
  shipments: ShipmentEventSchema,
  inquiries: InquiryEventSchema,
  claims: ClaimEventSchema,
  contacts: ContactEventSchema,
  reviews: ReviewEventSchema,
} as const;

/** One column of a stream's raw table, derived from the zod schemas. */
export interface Column {
  name: string;
  kind: FieldKind;
  sqlType: 'VARCHAR' | 'TIMESTAMPTZ' | 'DATE' | 'BIGINT';
  /** Allowed values, for enum columns. */
  values?: readonly string[];
  min?: number;
  max?: number;
  maxLength?: number;
  minLength?: number;
  /** Event types whose schema has this field, and the subset where it is required ('*' for brands). */
  presentIn: string[];
  requiredIn: string[];
}

export interface StreamContract {
  stream: Stream;
  columns: Column[];
  /** Event types of the stream (empty for brands). */
  types: string[];
  schema: z.ZodType;
}

/** Brands have no event type; their fields apply to every row. */
export const ANY_TYPE = '*';

const SQL_TYPE: Record<FieldKind, Column['sqlType']> = {
  id: 'VARCHAR',
  text: 'VARCHAR',
  enum: 'VARCHAR',
  instant: 'TIMESTAMPTZ',
  date: 'DATE',
  int: 'BIGINT',
};

function unwrapOptional(schema: z.ZodType): { inner: z.ZodType; optional: boolean } {
  let inner = schema;
  let optional = false;
  for (;;) {
    const type = inner.def.type;
    if (type === 'optional' || type === 'nullable' || type === 'default') {
      optional = true;
      inner = (inner.def as unknown as { innerType: z.ZodType }).innerType;
    } else return { inner, optional };
  }
}

function describeField(name: string, schema: z.ZodType): Omit<Column, 'presentIn' | 'requiredIn'> {
  const meta = fieldMeta(schema);
  const column: Omit<Column, 'presentIn' | 'requiredIn'> = { name, kind: meta.kind, sqlType: SQL_TYPE[meta.kind] };
  if (schema instanceof z.ZodEnum) column.values = schema.options as string[];
  if (schema instanceof z.ZodNumber) {
    if (schema.minValue !== null && Number.isFinite(schema.minValue)) column.min = schema.minValue;
    if (schema.maxValue !== null && Number.isFinite(schema.maxValue)) column.max = schema.maxValue;
  }
  if (schema instanceof z.ZodString) {
    if (schema.maxLength !== null) column.maxLength = schema.maxLength;
    if (schema.minLength !== null) column.minLength = schema.minLength;
  }
  return column;
}

function contractOf(stream: Stream, objects: { type: string; shape: Record<string, z.ZodType> }[], schema: z.ZodType) {
  const columns = new Map<string, Column>();
  for (const { type, shape } of objects) {
    for (const [name, fieldSchema] of Object.entries(shape)) {
      if (name === 'type') continue;
      const { inner, optional } = unwrapOptional(fieldSchema);
      let column = columns.get(name);
      if (!column) {
        column = { ...describeField(name, inner), presentIn: [], requiredIn: [] };
        columns.set(name, column);
      }
      column.presentIn.push(type);
      if (!optional) column.requiredIn.push(type);
    }
  }
  const types = objects.map((o) => o.type).filter((type) => type !== ANY_TYPE);
  return { stream, columns: [...columns.values()], types, schema } satisfies StreamContract;
}

function eventContract(stream: EventStream): StreamContract {
  const union = streamSchemas[stream] as unknown as z.ZodDiscriminatedUnion<z.ZodObject[]>;
  const objects = union.options.map((option) => ({
    type: (option.shape.type as z.ZodLiteral<string>).value,
    shape: option.shape as Record<string, z.ZodType>,
  }));
  return contractOf(stream, objects, union);
}

export const contracts: Record<Stream, StreamContract> = {
  ...(Object.fromEntries(EVENT_STREAMS.map((s) => [s, eventContract(s)])) as Record<EventStream, StreamContract>),
  brands: contractOf('brands', [{ type: ANY_TYPE, shape: BrandSchema.shape as Record<string, z.ZodType> }], BrandSchema),
};

/** The column that names the entity an event belongs to (the grain of its fact table). */
export const ENTITY_KEY: Record<EventStream, string> = {
  orders: 'order_id',
  shipments: 'order_id',
  inquiries: 'inquiry_id',
  claims: 'claim_id',
  contacts: 'contact_id',
  reviews: 'review_id',
};

export function isStream(name: string): name is Stream {
  return (STREAMS as readonly string[]).includes(name);
}
