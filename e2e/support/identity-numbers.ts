/**
 * Valid and invalid identity numbers for the certification form, computed here from the standards' published
 * algorithms rather than with core's validators, so that the browser test checks the server against an independent
 * oracle.
 */
const creditCodeAlphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const creditCodeWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100-2015: 17 characters and their check character. */
export function withCreditCodeCheck(first17: string): string {
  const sum = [...first17].reduce(
    (total, char, index) => total + creditCodeAlphabet.indexOf(char) * (creditCodeWeights[index] ?? 0),
    0,
  );
  return first17 + creditCodeAlphabet[(31 - (sum % 31)) % 31];
}

const residentIdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11643-1999: 17 digits and their ISO 7064 MOD 11-2 check character. */
export function withResidentIdCheck(first17: string): string {
  const sum = [...first17].reduce((total, digit, index) => total + Number(digit) * (residentIdWeights[index] ?? 0), 0);
  return first17 + '10X98765432'[sum % 11];
}

/** The same number with a different, wrong, last character. */
export function withWrongCheck(valid: string, alphabet: string): string {
  const last = valid.slice(-1);
  const wrong = [...alphabet].find((char) => char !== last) ?? '0';
  return valid.slice(0, -1) + wrong;
}

export const sampleCompany = {
  name: '杭州示例智能科技有限公司',
  creditCode: withCreditCodeCheck('91330106MA2XXXXX0'.replace(/X/g, '1')),
  legalRepresentative: '张三',
  // Region 330106 (Hangzhou, Xihu), born 1985-04-12, sequence 123.
  residentId: withResidentIdCheck('33010619850412123'),
  contactPerson: '李四',
  contactPhone: '13800138000',
  address: '浙江省杭州市西湖区文三路 100 号',
};
