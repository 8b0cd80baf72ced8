/** The id of the process page's proposal form, which a goal's "Änderung vorschlagen" link opens. */
export const SUBMIT_ANCHOR = 'vorschlag-einreichen';
