// Feed items the story-tracking integration tests share: a follow-up of the default story and an unrelated item.

/** A feed item as the story tests serve it. */
export interface StoryItem {
  slug: string
  title: string
  text: string
}

/** A follow-up of the default story (the grooming-gangs national inquiry). */
export const FOLLOW_UP: StoryItem = {
  slug: 'national-inquiry-confirmed',
  title: 'Home Secretary confirms national inquiry into grooming gangs after damning Casey audit',
  text:
    'The government will set up a full national statutory inquiry into grooming gangs, the Home Secretary told MPs, ' +
    'after Baroness Casey\u2019s audit found that the ethnicity of offenders had been ignored for years. ' +
    'Survivors of child sexual exploitation in Oldham and Rochdale, who had campaigned for a national inquiry, said the decision was long overdue. ' +
    'The inquiry will have powers to compel witnesses and will examine how councils and police failed victims of the gangs.',
}

/** News with nothing of any story in it. */
export const UNRELATED: StoryItem = {
  slug: 'rail-fares',
  title: 'Rail fares to rise by 4.6% in March',
  text: 'Regulated rail fares in England will rise by 4.6% from March, the Department for Transport said, prompting anger from passenger groups.',
}
