import { emptyResult, type SectionResult } from './report.js';

export async function graphqlBench(_serverUrl: string, _options: { quick: boolean; log(message: string): void }): Promise<SectionResult> {
  return emptyResult();
}
