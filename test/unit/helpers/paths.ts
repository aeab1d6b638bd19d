/** Repository paths for tests, wherever the test file sits under test/unit. */
import { join } from 'node:path';

export const repoRoot = join(__dirname, '../../..');
export const fixturesDir = join(repoRoot, 'test/fixtures');
export const modelFixturesDir = join(fixturesDir, 'models');
export const shippedModelDir = join(repoRoot, 'models/tokenwise-code-small');
