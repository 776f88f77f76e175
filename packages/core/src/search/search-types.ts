/** A value stored with an indexed item and matched by filters. Arrays match if any element does. */
export type MetadataValue = string | number | boolean | null | readonly (string | number | boolean)[];

/** Free-form fields stored with an indexed item, for filtering inside the search. */
export type Metadata = Readonly<Record<string, MetadataValue>>;

/** Decides inside the search whether an item may be returned. */
export type SearchPredicate = (id: string, metadata: Metadata | undefined) => boolean;

/** A metadata filter object or a predicate; both run inside the search, before the top k is cut. */
export type SearchFilter = MetadataFilter | SearchPredicate;

/** One result: the item's id and its score, higher is better. */
export interface SearchHit {
  id: string;
  score: number;
}

/** Options every index's `search` takes. */
export interface SearchOptions {
  /** How many hits to return at most (a positive integer). */
  k: number;
  /** Only items that pass are ranked; the top k is taken among them. */
  filter?: SearchFilter;
}

/** A single metadata value a filter compares with. */
export type Scalar = string | number | boolean | null;

/** Conditions on one field; all given conditions must hold. */
export interface FieldCondition {
  $eq?: Scalar;
  $ne?: Scalar;
  $in?: readonly Scalar[];
  $nin?: readonly Scalar[];
  $gt?: number | string;
  $gte?: number | string;
  $lt?: number | string;
  $lte?: number | string;
  /** True: the field is present (and not null); false: it is absent or null. */
  $exists?: boolean;
}

/**
 * A metadata filter: each field key must match (a bare value means `$eq`); `$and`, `$or` and
 * `$not` combine filters. A field holding an array matches when any element matches.
 */
export type MetadataFilter = {
  $and?: readonly MetadataFilter[];
  $or?: readonly MetadataFilter[];
  $not?: MetadataFilter;
} & { [field: string]: Scalar | FieldCondition | readonly MetadataFilter[] | MetadataFilter | undefined };
