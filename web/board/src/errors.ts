import { hhmm } from './time';

/** A typed error of the API (a member of a result union implementing Error), in words for the operator. */
export function describeError(error: { __typename: string; message?: string } & Record<string, unknown>): string {
  switch (error.__typename) {
    case 'DoubleBookingError':
      return `重复排班：该志愿者在 ${hhmm(String(error.conflictingStartsAt))}–${hhmm(String(error.conflictingEndsAt))} 已有另一个班次，时间冲突，不能再指派。`;
    case 'AlreadyAssignedError':
      return '该志愿者已在这个班次中（或在候补名单上）。';
    case 'VolunteerSuspendedError':
      return '该志愿者已被暂停服务，不能指派。';
    case 'ShiftCancelledError':
      return '这个班次已取消。';
    case 'ShiftClosedError':
      return '这个班次已结束，不能再指派。';
    case 'ProjectNotRecruitingError':
      return '所属项目不在招募或进行中，不能指派。';
    case 'InvalidAssignmentStateError':
      return '当前状态不允许这样操作。';
    case 'NotFoundError':
      return '找不到这个班次或志愿者（可能已被删除）。';
    case 'ValidationError':
      return `输入有误：${error.message ?? ''}`;
    default:
      return `操作未成功：${error.message ?? error.__typename}`;
  }
}

/** A login refusal in words. */
export function describeLoginError(error: { __typename: string; message?: string }): string {
  switch (error.__typename) {
    case 'InvalidCredentialsError':
      return '手机号或密码不正确。';
    case 'AccountSuspendedError':
      return '该账号已被停用。';
    case 'TooManyRequestsError':
      return '尝试次数过多，请稍后再试。';
    case 'ValidationError':
      return `输入有误：${error.message ?? ''}`;
    default:
      return `登录失败：${error.message ?? error.__typename}`;
  }
}
