import type { Unit } from '../unit-of-work';

/**
 * The unit an import (or its undo) writes a chunk through: every change is queued for the cloud but
 * neither audited one by one (the batch is audited once, with its counts) nor announced to the search
 * index chunk by chunk (the batch announces its customers once it is over: UnitOfWork.announce).
 */
export function batchedUnit(unit: Unit): Unit {
  return { ...unit, record: (c) => unit.queue(Array.isArray(c) ? c : [c], false), queue: (c) => unit.queue(c, false) };
}
