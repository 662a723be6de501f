import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: { width: 'auto', height: 28 },
});

/**
 * Airworthy's mark: a gauge whose needle stands in the green, under a wing's sweep (a
 * service fit to fly). Drawn for the dark sidebar.
 */
export const AirworthyMark = (props: { className?: string }) => (
  <svg
    className={props.className}
    xmlns="http://www.w3.org/2000/svg"
    viewBox="0 0 32 32"
    role="img"
    aria-label="Airworthy"
  >
    <path
      d="M4 22a12 12 0 0 1 24 0"
      fill="none"
      stroke="#7df3e1"
      strokeWidth="3"
      strokeLinecap="round"
    />
    <path
      d="M22.5 11.5 16 22"
      stroke="#ffffff"
      strokeWidth="2.5"
      strokeLinecap="round"
    />
    <circle cx="16" cy="22" r="2.5" fill="#ffffff" />
    <path d="M3 27h26" stroke="#7df3e1" strokeWidth="2" strokeLinecap="round" />
  </svg>
);

export const LogoIcon = () => {
  const classes = useStyles();
  return <AirworthyMark className={classes.svg} />;
};
