/** A rough strength score 0–4 for the meter. The server's rules decide (at least 10 characters, not common). */
export function passwordScore(password: string, username = ''): 0 | 1 | 2 | 3 | 4 {
  if (password.length === 0) return 0;
  if (password.length < 10) return password.length < 6 ? 0 : 1;
  if (username !== '' && password.toLowerCase().includes(username.toLowerCase())) return 1;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  const unique = new Set(password).size;
  let score = 2;
  if (classes >= 3 || password.length >= 14) score = 3;
  if (classes >= 3 && password.length >= 14) score = 4;
  if (unique < 5) score = Math.min(score, 1);
  return score as 0 | 1 | 2 | 3 | 4;
}

export const usernamePattern = /^[a-z0-9_.-]{3,32}$/;
export const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const mobilePattern = /^\+?\d{6,15}$/;
