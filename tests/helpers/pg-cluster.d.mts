// Types of pg-cluster.mjs (plain JS so .ci/run can use it without a TypeScript loader).
export declare const SUPERUSER: string;
export declare const PASSWORD: string;
export interface Cluster {
  dir: string;
  port: number;
  url: string;
}
export declare function findPgBin(): string | null;
export declare function freePort(): Promise<number>;
export declare function startCluster(dir: string): Promise<Cluster>;
export declare function restartCluster(dir: string, port: number): Cluster;
export declare function postmasterPid(dir: string): number | null;
export declare function haltCluster(dir: string): void;
export declare function stopCluster(dir: string): void;
