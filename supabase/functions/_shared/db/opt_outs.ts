/** Opting out of (and back into) the messages the business starts: a typed STOP or START. */
import { rpc } from "./_rpc.ts";

/** Opts a number out (p_source 'stop' for a typed STOP); true when it was not opted out before. */
export const optOut = rpc("whatsapp_opt_out");

/** Opts a number back in, whatever opted it out; true when it was opted out. */
export const optIn = rpc("whatsapp_opt_in");
