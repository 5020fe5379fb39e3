// The capacity search's types (run.ts's findCapacity), shared with bench/cluster.ts.
import type { BenchChild } from './child';
import type { ChatPair, LoadOptions, LoadResult } from './load';

export interface CapacityStep {
  rate: number;
  ok: boolean;
  /** 2 when the step is the re-run of a rate whose first run failed on p99 alone. */
  attempt: number;
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  lost: number;
  errors: number;
  serverCpuCores: number | null;
  serverCpuMsPerMessage: number | null;
  machineBusyCores: number | null;
}
export interface CapacityResult {
  /** The highest rate that passed; null when the first step failed. */
  capacity: number | null;
  /** True when every step up to BENCH_CAPACITY_MAX passed: the capacity is a lower bound. */
  atMax: boolean;
  steps: CapacityStep[];
}

export interface CapacityOptions {
  rates?: number[];
  p99Ms?: number;
  load?: Partial<LoadOptions>;
  onStep?: (step: CapacityStep, result: LoadResult) => void;
}

export type FindCapacity = (
  label: string,
  server: BenchChild,
  chats: ChatPair[],
  beforeMeasure?: () => Promise<unknown>,
  more?: CapacityOptions,
) => Promise<CapacityResult>;
