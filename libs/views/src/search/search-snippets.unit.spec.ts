import { highlighted } from './search-snippets';

const mark = (word: string) => `\uE000${word}\uE001`;

it('should turn the markers into [start, end) ranges of the text without them', () => {
  expect(highlighted(`the ${mark('rocket')} and the ${mark('fuel')}`)).toEqual({
    text: 'the rocket and the fuel',
    highlights: [
      [4, 10], // 'the '.length = 4, plus 'rocket'.length = 6
      [19, 23], // 'the rocket and the '.length = 19, plus 'fuel'.length = 4
    ],
  });
});

it('should collapse runs of whitespace and trim the end', () => {
  expect(highlighted(`a \n\n ${mark('b')}  `)).toEqual({ text: 'a b', highlights: [[2, 3]] });
});

it('should never take a stop marker without a start for a highlight', () => {
  expect(highlighted(`a\uE001 b`)).toEqual({ text: 'a b', highlights: [] });
});
