// Events in columns — an index per contact, a time, a type code and a detail code per event, no object
// per event — appended to as rows are read and grouped by contact on demand. The alert worker keeps one
// for the whole events table between runs (alert-inputs.ts), so a run reads only the rows added since.

export type EventColumns = ReturnType<typeof createEventColumns>;

/** Columns as plain data that crosses between threads (the arrays' buffers are transferred, not copied). */
export type ExportedEventColumns = {
  owners: Int32Array;
  times: Float64Array;
  codes: Uint8Array;
  detailCodes: Int32Array;
  /** Contact ids by owner index, detail texts by detail code. */
  contactIds: string[];
  details: string[];
  first: number;
  newest: number;
};

/** A copy of `array` with room for `size` elements. */
function grown<T extends Int32Array | Float64Array | Uint8Array>(array: T, size: number): T {
  const copy = new (array.constructor as new (length: number) => T)(size);
  copy.set(array);
  return copy;
}

export function createEventColumns() {
  let capacity = 1 << 16;
  let owners = new Int32Array(capacity);
  let times = new Float64Array(capacity);
  let codes = new Uint8Array(capacity);
  let detailCodes = new Int32Array(capacity);
  let count = 0;
  // Contacts and details are few and repeat (a detail is a calculator kind, a document kind or a zip code).
  const contactIndex = new Map<string, number>();
  const detailIndex = new Map<string, number>();
  const details: string[] = [];
  let first = Number.NaN;
  let newest = Number.NaN;

  const grow = () => {
    capacity *= 2;
    owners = grown(owners, capacity);
    times = grown(times, capacity);
    codes = grown(codes, capacity);
    detailCodes = grown(detailCodes, capacity);
  };

  return {
    get count() {
      return count;
    },
    /** First and newest time over every event held (epoch ms, NaN when none). */
    span: () => ({ first, newest }),

    add(contactId: string, code: number, at: number, detail: string | null): void {
      if (count === capacity) grow();
      let owner = contactIndex.get(contactId);
      if (owner === undefined) contactIndex.set(contactId, (owner = contactIndex.size));
      let detailCode = -1;
      if (detail !== null) {
        detailCode = detailIndex.get(detail) ?? -1;
        if (detailCode < 0) {
          detailCode = details.push(detail) - 1;
          detailIndex.set(detail, detailCode);
        }
      }
      owners[count] = owner;
      times[count] = at;
      codes[count] = code;
      detailCodes[count] = detailCode;
      count++;
      if (!(at >= first)) first = at;
      if (!(at <= newest)) newest = at;
    },

    /** The events added, trimmed to their count (for another thread to append). */
    export(): ExportedEventColumns {
      return {
        owners: owners.slice(0, count),
        times: times.slice(0, count),
        codes: codes.slice(0, count),
        detailCodes: detailCodes.slice(0, count),
        contactIds: [...contactIndex.keys()],
        details: [...details],
        first,
        newest,
      };
    },

    /** Adds exported events after these, in their order (as `add` would one by one). */
    append(other: ExportedEventColumns): void {
      const ownerOf = Int32Array.from(other.contactIds, (id) => {
        let owner = contactIndex.get(id);
        if (owner === undefined) contactIndex.set(id, (owner = contactIndex.size));
        return owner;
      });
      const detailOf = Int32Array.from(other.details, (detail) => {
        let code = detailIndex.get(detail);
        if (code === undefined) detailIndex.set(detail, (code = details.push(detail) - 1));
        return code;
      });
      const added = other.owners.length;
      while (count + added > capacity) grow();
      for (let k = 0; k < added; k++) {
        owners[count + k] = ownerOf[other.owners[k]!]!;
        const detail = other.detailCodes[k]!;
        detailCodes[count + k] = detail < 0 ? -1 : detailOf[detail]!;
      }
      times.set(other.times, count);
      codes.set(other.codes, count);
      count += added;
      if (added > 0) {
        if (!(other.first >= first)) first = other.first;
        if (!(other.newest <= newest)) newest = other.newest;
      }
    },

    /**
     * Calls `visit(event)` for each event of each of `contactIds`, contact by contact in their order and in
     * the order added within a contact (a counting sort: two passes over the columns, whatever their size).
     * `visit` gets the position in `contactIds` and the event's time, type code and detail (null: none);
     * `done(c)` follows the last event of contact c, also when it has none. When `skip(c, count)` says so,
     * contact c's events (`count` of them) are passed over and `done` is not called for it.
     */
    forEachOf(
      contactIds: readonly string[],
      visit: (c: number, at: number, code: number, detail: string | null) => void,
      done: (c: number) => void,
      skip: (c: number, count: number) => boolean = () => false,
    ): void {
      const wanted = new Int32Array(contactIndex.size).fill(-1);
      contactIds.forEach((id, c) => {
        const owner = contactIndex.get(id);
        if (owner !== undefined) wanted[owner] = c;
      });
      const starts = new Int32Array(contactIds.length + 1);
      for (let k = 0; k < count; k++) {
        const c = wanted[owners[k]!]!;
        if (c >= 0) starts[c + 1]!++;
      }
      for (let c = 0; c < contactIds.length; c++) starts[c + 1]! += starts[c]!;
      const order = new Int32Array(starts[contactIds.length]!);
      const cursor = starts.slice(0, contactIds.length);
      for (let k = 0; k < count; k++) {
        const c = wanted[owners[k]!]!;
        if (c >= 0) order[cursor[c]!++] = k;
      }
      for (let c = 0; c < contactIds.length; c++) {
        if (skip(c, starts[c + 1]! - starts[c]!)) continue;
        for (let j = starts[c]!; j < starts[c + 1]!; j++) {
          const k = order[j]!;
          const detail = detailCodes[k]!;
          visit(c, times[k]!, codes[k]!, detail < 0 ? null : details[detail]!);
        }
        done(c);
      }
    },
  };
}
