import type { AfterSaleCase, Evidence } from '../../../../types/domain';
import { caseBadges } from '../badges';

const T0 = 1_764_900_000_000;

function askEvidenceCase(evidence: Evidence[]): AfterSaleCase {
  return {
    _id: 'AS1',
    tier: 'NORMAL',
    amountFen: 18_900,
    reason: 'QUALITY',
    createdAt: T0,
    evidence,
    suggestion: { decision: 'ASK_EVIDENCE' },
  } as unknown as AfterSaleCase;
}

const photo = (over: Partial<Evidence>): Evidence => ({ fileId: 'cloud://f/1.jpg', kind: 'image', sha256: 'a'.repeat(64), ...over });

describe('caseBadges: 建议补凭证 is answered once the buyer adds proof (issue 17)', () => {
  it('asks for evidence while the buyer has added none since applying', () => {
    expect(caseBadges(askEvidenceCase([])).map((b) => b.text)).toEqual(expect.arrayContaining(['建议补凭证', '无凭证']));
    // A photo given with the application does not answer a suggestion made on it.
    expect(caseBadges(askEvidenceCase([photo({ by: 'BUYER', at: T0 })])).map((b) => b.text)).toContain('建议补凭证');
    // The shop's own QC report is not the buyer's proof.
    expect(caseBadges(askEvidenceCase([photo({ by: 'MERCHANT', at: T0 + 60_000 })])).map((b) => b.text)).toContain('建议补凭证');
  });

  it('says 买家已补凭证 once the buyer added a photo after applying (补充凭证 or in a message)', () => {
    const texts = caseBadges(askEvidenceCase([photo({ by: 'BUYER', at: T0 + 60_000, tag: 'proof' })])).map((b) => b.text);
    expect(texts).toContain('买家已补凭证');
    expect(texts).not.toContain('建议补凭证');
  });
});
