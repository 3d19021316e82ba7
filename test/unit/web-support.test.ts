import { describe, expect, it } from 'vitest';
import { fieldMessage } from '../../web/src/api.js';
import { askPath, ticketPath } from '../../web/src/support/model.js';

describe('the support pages on the citizen page', () => {
  it('open the ask page prefilled with a dossier, else a procedure', () => {
    expect(askPath()).toBe('/ho-tro/hoi');
    expect(askPath({ procedureCode: '1.002804' })).toBe('/ho-tro/hoi?thu-tuc=1.002804');
    expect(askPath({ dossierCode: 'BHXHHN-261207-0001' })).toBe('/ho-tro/hoi?ho-so=BHXHHN-261207-0001');
    // A dossier question goes to the agency handling it: the dossier wins over its procedure.
    expect(askPath({ procedureCode: '1.002758', dossierCode: 'BHXHHN-261207-0001' })).toBe(
      '/ho-tro/hoi?ho-so=BHXHHN-261207-0001',
    );
    expect(ticketPath('HTTT-261207-0001')).toBe('/ho-tro/HTTT-261207-0001');
  });

  it("say the API's refusal of a step the dossier does not have in Vietnamese, and its own text in English", () => {
    const d = { path: 'steps.0', code: 'unknown_step', message: 'step-9 is not a step of this dossier' };
    expect(fieldMessage(d, 'vi')).toBe('Bước này không thuộc hồ sơ.');
    expect(fieldMessage(d, 'en')).toBe(d.message);
  });
});
