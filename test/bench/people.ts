import type { CustomerCreateInput } from '../../src/shared/customers/schema';
import { mulberry32 } from '../helpers/prng';

// Names as met at a counter in Morocco, France and beyond, accents included.
const FIRST = [
  'Layla', 'Ahmed', 'Fatima', 'Youssef', 'Zoé', 'Hélène', 'Jérôme', 'Marie', 'Jean', 'Mohamed', 'Sofia', 'Lucas',
  'Amélie', 'Noah', 'Inès', 'Karim', 'Salma', 'Omar', 'Chloé', 'Léa', 'Hugo', 'Nour', 'Yasmine', 'Adam', 'Françoise',
  'Rachid', 'Khadija', 'Mehdi', 'Imane', 'Anaïs', 'Gaël', 'Noémie', 'Théo', 'Océane', 'Zineb', 'Hamza', 'Aïcha',
  'José', 'María', 'Søren', 'Björn', 'Łukasz', 'Ümit', 'Çelik', 'Renée', 'Raphaël', 'Maëlle', 'Elif', 'Sami', 'Rania',
];
const LAST = [
  'Hassan', 'Benali', 'El Amrani', 'Dupont', 'Martin', 'Bernard', 'Lefèvre', 'Müller', 'García', 'Núñez', 'Alaoui',
  'Bennani', 'Tazi', 'Durand', 'Moreau', 'Lambert', 'Fontaine', 'Rousseau', 'Chevalier', 'Idrissi', 'Berrada',
  'Chraïbi', 'El Fassi', 'Benjelloun', 'Lahlou', 'Ouazzani', 'Sebti', 'Kettani', 'Mercier', 'Girard', 'Bonnet',
  'François', 'Legrand', 'Gauthier', 'Perrin', 'Roux', 'Faure', 'André', 'Mathieu', 'Clément', 'Gómez', 'Öztürk',
  'Çakır', 'Nørgaard', 'Åberg', 'Dvořák', 'Kowalski', 'Rossi', 'Ferreira', 'Ahmadi',
];

const ascii = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/ø/g, 'o').replace(/ł/gi, 'l').toLowerCase().replace(/[^a-z]/g, '');

export function generateCustomers(count: number, seed = 42): CustomerCreateInput[] {
  const rand = mulberry32(seed); // the same seed, the same customers
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const out: CustomerCreateInput[] = [];
  for (let i = 0; i < count; i++) {
    const firstName = pick(FIRST);
    const lastName = pick(LAST);
    const year = 1935 + Math.floor(rand() * 85);
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    out.push({
      customerData: {
        firstName,
        lastName,
        email: `${ascii(firstName)}.${ascii(lastName)}${i}@example.com`,
        phoneNumber: `+212 6${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`,
        dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        sex: rand() < 0.5 ? 'female' : 'male',
      },
    });
  }
  return out;
}

/** What staff type: fragments of the names, emails and phones above. */
export const QUERIES = {
  '1 char': ['a', 'e', 'h', 'z', 'm', 'k', 'é', 'o', '6', 'y'],
  '2 chars': ['la', 'be', 'ha', 'ou', 'el', 'ni', 'mo', 'ro', 'ze', '61'],
  '3+ chars': ['hass', 'benali', 'lefevre', 'moh', 'fatim', 'ahmed.b', 'idriss', 'garcia', '61234', 'zzzq'],
  'two words': ['layla has', 'ahmed ben', 'zoe dup', 'fat el', 'jean ma', 'nour taz', 'ines la', 'omar al', 'lea roux', 'sami k'],
} as const;
