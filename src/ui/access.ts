// What the caller may do in this project (GET /api/trackd/v1/access), asked once per page load:
// the UI hides the controls the server would refuse. The server still checks every write.
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.js';

export interface ProjectAccess {
  username: string;
  role: 'read' | 'edit' | 'manage' | 'admin';
  can_write: boolean;
  can_manage: boolean;
}

/** When the server cannot say (an older trackd, a network error), show nothing that writes. */
const READ_ONLY: ProjectAccess = {
  username: '',
  role: 'read',
  can_write: false,
  can_manage: false,
};

let asked: Promise<ProjectAccess> | undefined;

export function useAccess(): ProjectAccess {
  const [access, setAccess] = useState<ProjectAccess>(READ_ONLY);
  useEffect(() => {
    asked ??= get<ProjectAccess>('/api/trackd/v1/access').catch(() => READ_ONLY);
    let live = true;
    void asked.then((a) => live && setAccess(a));
    return () => {
      live = false;
    };
  }, []);
  return access;
}
